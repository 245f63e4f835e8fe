import { Controller, Get } from '@nestjs/common';
import { CurrentAuth, type AuthContext } from '@moderato/identity';

@Controller('api/v1/me')
export class MeController {
  /** The signed-in person and what they may do. */
  @Get()
  me(@CurrentAuth() auth: AuthContext) {
    const { user, roles, session } = auth;
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerified,
      displayName: user.displayName,
      avatarUrl: user.avatarUrl,
      roles,
      idpRoles: user.idpRoles,
      locale: user.locale,
      timezone: user.timezone,
      session: { id: session.id, expiresAt: session.expiresAt },
    };
  }
}
