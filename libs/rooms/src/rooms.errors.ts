import { ConflictError, InvalidInputError, NotFoundError } from '@moderato/core';

export class RoomNotFound extends NotFoundError {
  constructor(id: string) {
    super('Room', { id });
  }
}

export class RoomSlugTaken extends ConflictError {
  constructor(slug: string) {
    super('ROOM_SLUG_TAKEN', `Another room already uses the address /r/${slug}`, { field: 'slug', slug });
  }
}

export class RoomVersionConflict extends ConflictError {
  constructor(expected: number, actual: number) {
    super('ROOM_VERSION_CONFLICT', 'Someone changed this room in the meantime; reload and try again', { expected, actual });
  }
}

export const roomFieldError = (field: string, message: string) => new InvalidInputError([{ field, messages: [message] }]);
