import type { Request } from 'express';
import type { Actor } from '@moderato/audit';

/** The signed-in admin behind a request, for the audit log. */
export function actorOf(req: Request): Actor {
  return { id: req.auth?.user.id ?? null, label: req.auth?.user.email ?? null, ip: req.ip ?? null };
}
