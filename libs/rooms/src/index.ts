export { PermanentRoom } from './permanent-room.entity';
export {
  ACCESS_KINDS,
  MAX_ACCESS_ENTRIES,
  ROOM_AFFILIATIONS,
  SLUG_PATTERN,
  affiliationFor,
  formatAccessEntry,
  formatAccessList,
  parseAccessList,
  slugOf,
  type AccessEntry,
  type AccessKind,
  type AccessListProblem,
  type RoomAffiliation,
  type RoomVisitor,
} from './access-list';
export { AccessEntryDto, CreateRoomDto, UpdateRoomDto } from './dto/room.dto';
export { RoomNotFound, RoomSlugTaken, RoomVersionConflict } from './rooms.errors';
export { RoomsModule } from './rooms.module';
export { RoomsService, type RoomAccess, type RoomActor, type RoomJoinDecision, type RoomRefusal } from './rooms.service';
