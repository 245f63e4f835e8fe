import { Injectable, SetMetadata, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '@moderato/core';
import type { AuthContext } from './auth-context';
import { LoginRequired, RoleRequired } from './identity.errors';
import type { Role } from './role-mapping';

const REQUIRED_ROLES = 'moderato:roles';

/** Only people holding one of these roles may use the route. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The signed-in person (guaranteed on non-public routes). */
export const CurrentAuth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext | undefined => {
  return context.switchToHttp().getRequest<Request>().auth;
});

/**
 * Global guard: every route needs a live session unless marked @Public(); @RequireRoles()
 * narrows it further. No session → LoginRequired (pages redirect to login, the API says 401);
 * wrong role → RoleRequired (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.auth) {
      const failure = req.authFailure;
      throw new LoginRequired(failure === 'idle' || failure === 'expired' ? 'expired' : failure === 'revoked' ? 'revoked' : 'none');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => req.auth!.roles.includes(role))) throw new RoleRequired(roles[0]);
    return true;
  }
}
