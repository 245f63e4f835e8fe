import type { Tx } from '@moderato/database';

/**
 * The permanent rooms' access lists (owned by the rooms lib) name people by email (`user:<email>`).
 * Rooms depends on meetings, so the person deletion reaches them through this port, which
 * RoomsModule provides (as jitsi provides policy's POLICY_SERVER_DIRECTORY).
 */
export interface PrivacyRoomAccess {
  /** Removes every `user` entry with this email (lower-case) from every access list, in `tx`; returns how many rooms changed. */
  removeUser(email: string, tx: Tx): Promise<number>;
}

/** The injection token of the PrivacyRoomAccess. */
export const PRIVACY_ROOM_ACCESS = Symbol('PrivacyRoomAccess');
