import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { CurrentAuth, TokenScope, type AuthContext } from '@moderato/identity';

@ApiTags('me')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('any')
@Controller('api/v1/me')
export class MeController {
  /** The signed-in person and what they may do. */
  @Get()
  me(@CurrentAuth() auth: AuthContext) {
    const { user, roles, session, apiToken } = auth;
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
      session: session ? { id: session.id, expiresAt: session.expiresAt } : null,
      apiToken: apiToken ? { id: apiToken.id, scopes: apiToken.scopes } : null,
    };
  }
}
