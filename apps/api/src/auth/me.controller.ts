import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentAuth, TokenScope, timezoneSourceOf, type AuthContext } from '@moderato/identity';
import { PersonDataService } from '@moderato/meetings';
import { PolicyService } from '@moderato/policy';
import { actorOf } from '../common/actor';

@ApiTags('me')
@ApiCookieAuth()
@ApiBearerAuth()
@TokenScope('any')
@Controller('api/v1/me')
export class MeController {
  constructor(
    private readonly people: PersonDataService,
    private readonly policy: PolicyService,
  ) {}

  /** The signed-in person and what they may do. */
  @Get()
  async me(@CurrentAuth() auth: AuthContext) {
    const { user, roles, session, apiToken } = auth;
    const policy = await this.policy.current();
    return {
      id: user.id,
      email: user.email,
      emailVerified: user.emailVerified,
      displayName: user.displayName,
      avatarUrl: user.avatarUrl,
      roles,
      idpRoles: user.idpRoles,
      locale: user.locale,
      // The zone this person's times are shown in: their own, else the organisation's default.
      timezone: user.timezone ?? policy.defaultTimezone,
      timezoneSource: timezoneSourceOf(user),
      session: session ? { id: session.id, expiresAt: session.expiresAt } : null,
      apiToken: apiToken ? { id: apiToken.id, scopes: apiToken.scopes } : null,
    };
  }

  /** Everything Moderato keeps about the signed-in person (right of access), as the admin export shows it. */
  @Get('export')
  @ApiOperation({ summary: 'Everything Moderato keeps about you, as JSON; no secret, hash or ID token. Audited.' })
  export(@CurrentAuth() auth: AuthContext, @Req() req: Request) {
    return this.people.export(auth.user.id, actorOf(req));
  }
}
