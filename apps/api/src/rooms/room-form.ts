import { parseAccessList, formatAccessList, type PermanentRoom } from '@moderato/rooms';

/** What the room form posts (all strings, as browsers send them). */
export interface RoomForm {
  name?: string;
  slug?: string;
  serverId?: string;
  access?: string;
  enabled?: string;
  version?: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The form → the API's DTO shape (so the same validation applies), plus the access list's
 * problems line by line. The access list is a textarea: `group:teachers moderator` per line.
 */
export function roomFormToDto(body: Record<string, unknown>, mode: 'create' | 'edit') {
  const errors: Record<string, string[]> = {};
  const { entries, problems } = parseAccessList(text(body.access));
  if (problems.length)
    errors.access = problems.map((problem) => (problem.line ? `Line ${problem.line} (${problem.text}): ${problem.message}` : problem.message));
  const dto: Record<string, unknown> = {
    name: text(body.name),
    slug: text(body.slug),
    serverId: text(body.serverId),
    access: entries,
    // An unticked checkbox sends nothing.
    enabled: body.enabled === undefined ? 'false' : body.enabled,
  };
  if (mode === 'edit') dto.version = text(body.version);
  return { dto, errors };
}

/** API field names → the form's (nested access entry errors belong to the textarea). */
export function formFieldOf(apiField: string): string {
  return apiField.startsWith('access') ? 'access' : apiField;
}

/** A room as the edit form shows it. */
export function formOfRoom(room: PermanentRoom): Required<RoomForm> {
  return {
    name: room.name,
    slug: room.slug,
    serverId: room.serverId,
    access: formatAccessList(room.access),
    enabled: String(room.enabled),
    version: String(room.version),
  };
}

export const EMPTY_ROOM_FORM: Required<RoomForm> = { name: '', slug: '', serverId: '', access: '', enabled: 'true', version: '' };
