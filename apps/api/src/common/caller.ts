import type { Request } from 'express';
import type { Caller } from '@moderato/meetings';

/** The signed-in person behind a request (only on routes the auth guard let through). */
export function callerOf(req: Request): Caller {
  return { user: req.auth!.user, roles: req.auth!.roles, ip: req.ip ?? null };
}
