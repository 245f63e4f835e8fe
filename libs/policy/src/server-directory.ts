import type { Tx } from '@moderato/database';

/**
 * Which Jitsi servers exist, for the servers a policy lets organizers use. The jitsi lib owns the
 * servers and provides this (JitsiModule); it depends on policy, so policy asks through this port
 * instead of importing it.
 */
export interface PolicyServerDirectory {
  /** Those of `ids` (server ids) that name a server, read in `tx`. */
  existing(ids: string[], tx: Tx): Promise<string[]>;
}

/** The injection token of the PolicyServerDirectory. */
export const POLICY_SERVER_DIRECTORY = Symbol('PolicyServerDirectory');
