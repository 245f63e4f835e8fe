import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '@moderato/core';
import type { AuthContext } from './auth-context';
import type { ApiTokenScope } from './api-token.entity';
import { ApiTokenRejected, ApiTokenScopeMissing, LoginRequired, RoleRequired } from './identity.errors';
import type { Role } from './role-mapping';

const REQUIRED_ROLES = 'moderato:roles';

/** Only people holding one of these roles may use the route. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

const TOKEN_SCOPES = 'moderato:token-scopes';

/**
 * Which API-token scope a route needs. `meetings`: reading (GET/HEAD) needs `meetings:read` or
 * `meetings:write`, anything else `meetings:write`; `admin`: the `admin` scope; `any`: every
 * token. A route without this decorator refuses API tokens (least privilege).
 */
export const TokenScope = (rule: 'meetings' | 'admin' | 'any') => SetMetadata(TOKEN_SCOPES, rule);

function scopeAllows(rule: 'meetings' | 'admin' | 'any', method: string, scopes: ApiTokenScope[]): string | null {
  if (rule === 'any') return null;
  if (rule === 'admin') return scopes.includes('admin') ? null : 'admin';
  const reading = method === 'GET' || method === 'HEAD';
  if (reading) return scopes.includes('meetings:read') || scopes.includes('meetings:write') ? null : 'meetings:read';
  return scopes.includes('meetings:write') ? null : 'meetings:write';
}

/** The signed-in person (guaranteed on non-public routes). */
export const CurrentAuth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext | undefined => {
  return context.switchToHttp().getRequest<Request>().auth;
});

/**
 * Global guard: every route needs a live session unless marked @Public(); @RequireRoles()
 * narrows it further. No session → LoginRequired (pages redirect to login, the API says 401);
 * wrong role → RoleRequired (403). An API token also needs the route's @TokenScope.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.auth && req.tokenFailure) throw new ApiTokenRejected(req.tokenFailure);
    if (!req.auth) {
      const failure = req.authFailure;
      throw new LoginRequired(failure === 'idle' || failure === 'expired' ? 'expired' : failure === 'revoked' ? 'revoked' : 'none');
    }
    if (req.auth.apiToken) {
      const rule = this.reflector.getAllAndOverride<'meetings' | 'admin' | 'any' | undefined>(TOKEN_SCOPES, targets);
      if (!rule) throw new ApiTokenScopeMissing(null);
      const missing = scopeAllows(rule, req.method, req.auth.apiToken.scopes);
      if (missing) throw new ApiTokenScopeMissing(missing);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => req.auth!.roles.includes(role))) throw new RoleRequired(roles[0]);
    return true;
  }
}
