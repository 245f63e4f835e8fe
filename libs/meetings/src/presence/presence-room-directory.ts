/**
 * Which Jitsi rooms are Moderato's: a meeting's (meetings) or a permanent room's (owned by the
 * rooms lib, which depends on meetings). Presence events for any other room are refused (404).
 * RoomsModule provides this port for permanent rooms, as it provides PRIVACY_ROOM_ACCESS.
 */
export interface PresenceRoomDirectory {
  /** Whether a permanent room of this server has this Jitsi room name (lower-case). */
  hasRoom(serverId: string, roomName: string): Promise<boolean>;
}

/** The injection token of the PresenceRoomDirectory. */
export const PRESENCE_ROOM_DIRECTORY = Symbol('PresenceRoomDirectory');
