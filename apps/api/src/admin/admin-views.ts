import type { AuditEvent } from '@moderato/audit';
import type { ApiToken, Session, User } from '@moderato/identity';

export function userView(user: User, roles: string[]) {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    displayName: user.displayName,
    idpRoles: user.idpRoles,
    roleOverrides: user.roleOverrides ?? {},
    roles,
    disabled: user.disabled,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}

export function sessionView(session: Session) {
  return {
    id: session.id,
    userId: session.userId,
    user: session.user ? { id: session.user.id, email: session.user.email, displayName: session.user.displayName } : undefined,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    expiresAt: session.expiresAt,
    ip: session.ip,
    userAgent: session.userAgent,
  };
}

/** What anyone sees of a token after its creation: never the token or its hash. */
export function apiTokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    lastUsedIp: token.lastUsedIp,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
  };
}

export function auditView(event: AuditEvent) {
  return {
    id: event.id,
    time: event.createdAt,
    actor: event.actorLabel,
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    ip: event.ip,
    metadata: event.metadata,
  };
}

export const PAGE_SIZE = 50;

export function pagination(page: number, total: number, pageSize = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { page, pageSize, total, pages, hasPrevious: page > 1, hasNext: page < pages };
}

/** Keeps the list filters when paging: `?q=…&role=…&page=N`. */
export function pageLink(base: string, params: object, page: number): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (key !== 'page' && value !== undefined && value !== '') search.set(key, String(value));
  search.set('page', String(page));
  return `${base}?${search.toString()}`;
}
