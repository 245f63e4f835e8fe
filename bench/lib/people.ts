import type { INestApplicationContext } from '@nestjs/common';
import { SessionsService, UsersService, type User } from '@moderato/identity';
import { JitsiServersService, type JitsiServer } from '@moderato/jitsi';
import { inParallel } from './harness';

export const BENCH_ISSUER = 'http://127.0.0.1:9/realms/bench';

/** A person as the first OIDC login would create them (UsersService.upsertFromLogin). */
export function signIn(ctx: INestApplicationContext, person: { subject: string; email: string; name: string; roles?: string[] }): Promise<User> {
  return ctx.get(UsersService).upsertFromLogin({
    issuer: BENCH_ISSUER,
    subject: person.subject,
    email: person.email,
    emailVerified: true,
    displayName: person.name,
    avatarUrl: null,
    idpRoles: person.roles ?? [],
  });
}

/** An ID token of a realistic size (header, claims of a Keycloak token, RS256 signature); never verified. */
function fakeIdToken(user: User): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    exp: 2_000_000_000,
    iat: 1_700_000_000,
    auth_time: 1_700_000_000,
    jti: crypto.randomUUID(),
    iss: BENCH_ISSUER,
    aud: 'moderato',
    sub: user.subject,
    typ: 'ID',
    azp: 'moderato',
    sid: crypto.randomUUID(),
    at_hash: 'x'.repeat(22),
    email_verified: true,
    name: user.displayName,
    preferred_username: user.email,
    email: user.email,
    groups: ['students', 'class-7b'],
  };
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k'.repeat(43) })}.${part(claims)}.${'s'.repeat(342)}`;
}

/** `count` students, each signed in with a live session: returns the user and the cookie's token. */
export async function studentsWithSessions(ctx: INestApplicationContext, count: number, prefix = 'student'): Promise<{ user: User; token: string }[]> {
  const sessions = ctx.get(SessionsService);
  return inParallel(
    Array.from({ length: count }, (_, i) => i + 1),
    8,
    async (n) => {
      const user = await signIn(ctx, { subject: `${prefix}-${n}`, email: `${prefix}${n}@school.test`, name: `Student ${n}` });
      // As after an OpenID Connect login: the session keeps the IdP's ID token (about a kilobyte).
      const { token } = await sessions.create(user, { idToken: fakeIdToken(user), userAgent: 'moderato-bench', ip: '127.0.0.1' });
      return { user, token };
    },
  );
}

/** One HS256 and one RS256 Jitsi server, created as an admin does (secret/key sealed). */
export async function benchServers(ctx: INestApplicationContext): Promise<{ hs256: JitsiServer; rs256: JitsiServer }> {
  const servers = ctx.get(JitsiServersService);
  const actor = { id: null, label: 'bench' };
  const { server: hs256 } = await servers.create(
    { name: 'meet-hs256', baseUrl: 'https://meet-hs.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
    actor,
  );
  const { server: rs256 } = await servers.create(
    { name: 'meet-rs256', baseUrl: 'https://meet-rs.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'RS256' },
    actor,
  );
  return { hs256, rs256 };
}
