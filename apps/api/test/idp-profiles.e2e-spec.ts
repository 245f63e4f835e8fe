import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { groupObjectId, startDevIdp, type DevIdpProfile, type DevIdpUser, type RunningDevIdp } from '@moderato/dev-idp';
import { UsersService } from '@moderato/identity';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { freePort, loginThroughIdp } from '@moderato/testing';
import { csrfTokenOf, startApi, type RunningApi } from './api-app';
import { registerJitsiServer } from './signed-in';

// Each identity provider as it really is, imitated by the development IdP (apps/dev-idp,
// profiles.ts): its issuer's shape and its ID token's claims. Passwords are the email's name part.
const TENANT = '3f6c2a9e-1b7d-4c5e-9a8f-2d4b6e8c0a1f';
const user = (email: string, name: string, groups: string[], extra: Partial<DevIdpUser> = {}): DevIdpUser => ({
  email,
  password: email.split('@')[0],
  name,
  groups,
  ...extra,
});

interface Provider {
  api: RunningApi;
  idp: RunningDevIdp;
  signIn(email: string): Promise<TestAgent>;
  close(): Promise<void>;
}

/** The dev IdP as `profile` at `issuerPath` (appended to http://127.0.0.1:<port>), and the api configured for it. */
async function startProvider(profile: DevIdpProfile, issuerPath: string, users: DevIdpUser[], env: Record<string, string> = {}): Promise<Provider> {
  const issuer = `http://127.0.0.1:${await freePort()}${issuerPath}`;
  const idp = await startDevIdp({
    issuer,
    profile,
    users,
    clients: [
      {
        clientId: 'moderato',
        clientSecret: 'profile-secret',
        redirectUris: ['http://localhost:3000/auth/callback'],
        postLogoutRedirectUris: ['http://localhost:3000/'],
      },
    ],
  });
  const api = await startApi({ env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'moderato', OIDC_CLIENT_SECRET: 'profile-secret', ...env } }).catch(
    async (error: unknown) => {
      await idp.close();
      throw error;
    },
  );
  await registerJitsiServer(api);
  return {
    api,
    idp,
    async signIn(email) {
      const agent = request.agent(api.server);
      const { callback } = await loginThroughIdp(agent, idp.issuer, { email, password: email.split('@')[0] });
      if (callback.status !== 303) throw new Error(`sign-in of ${email} failed with ${callback.status}: ${callback.text.slice(0, 300)}`);
      return agent;
    },
    async close() {
      await api.close();
      await idp.close();
    },
  };
}

const jwtPayload = (location: string) => {
  const token = new URL(location).searchParams.get('jwt')!;
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { context: { user: { email: string; affiliation: string } } };
};

/**
 * What every provider must give: the teacher is an organizer and schedules a meeting for the pupil
 * and the outsider; the pupil's personal link gives a member token; the outsider's address does
 * not count as verified, so their own link is refused.
 */
async function provesTheJoin(provider: Provider, people: { teacher: string; pupil: string; outsider: string }) {
  const teacher = await provider.signIn(people.teacher);
  const me = await teacher.get('/api/v1/me').expect(200);
  expect(me.body.roles).toEqual(expect.arrayContaining(['participant', 'organizer']));

  const csrf = csrfTokenOf((await teacher.get('/').expect(200)).text);
  const start = new Date(Date.now() + 5 * 60_000);
  const { body: meeting } = await teacher
    .post('/api/v1/meetings')
    .set('x-csrf-token', csrf)
    .send({
      title: 'Biology 8a',
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 45 * 60_000).toISOString(),
      timezone: 'Europe/Berlin',
      invitees: [{ email: people.pupil }, { email: people.outsider }],
    })
    .expect(201);
  const invitations = await provider.api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId: meeting.id });
  const codes = provider.api.app.get(LinkCodes);
  const linkOf = (email: string) => `/j/${codes.codeFor(invitations.find((invitation) => invitation.email === email)!)}`;

  const pupil = await provider.signIn(people.pupil);
  expect((await pupil.get('/api/v1/me').expect(200)).body).toMatchObject({ email: people.pupil, emailVerified: true, roles: ['participant'] });
  const joined = await pupil.get(linkOf(people.pupil)).expect(302);
  expect(joined.headers.location).toMatch(new RegExp(`^https://meet\\.school\\.test/${meeting.roomName}\\?jwt=`));
  expect(jwtPayload(joined.headers.location).context.user).toMatchObject({ email: people.pupil, affiliation: 'member' });

  const outsider = await provider.signIn(people.outsider);
  expect((await outsider.get('/api/v1/me').expect(200)).body.emailVerified).toBe(false);
  const refused = await outsider.get(linkOf(people.outsider)).set('Accept-Language', 'en').expect(403);
  expect(refused.text).toContain('has not confirmed your email address');
  expect(refused.headers.location).toBeUndefined();
}

describe('identity providers as they really are (dev IdP profiles)', () => {
  describe('Microsoft Entra ID: tenant issuer, no email_verified, group object ids, app roles', () => {
    let entra: Provider;
    beforeAll(async () => {
      entra = await startProvider(
        'entra',
        `/${TENANT}/v2.0`,
        [
          user('anna.lehrer@school.org', 'Anna Lehrer', ['Lehrkräfte']),
          user('bert.lehrer@school.org', 'Bert Lehrer', [], { claims: { roles: ['teachers'] } }),
          user('paul.schueler@school.org', 'Paul Schüler', ['Klasse 8a'], { claims: { xms_edov: true } }),
          user('pia.schueler@school.org', 'Pia Schüler', ['Klasse 8a'], { claims: { xms_edov: false } }),
          user('gast@example.net', 'Gustav Gast', ['Klasse 8a']),
        ],
        { OIDC_TRUSTED_EMAIL_DOMAINS: 'school.org', OIDC_GROUP_ROLE_MAP: `${groupObjectId('Lehrkräfte')}:teachers` },
      );
    });
    afterAll(async () => {
      await entra?.close();
    });

    it('a teacher in the mapped group is organizer; a pupil in the trusted domain gets a member token; an outside address is refused', async () => {
      await provesTheJoin(entra, { teacher: 'anna.lehrer@school.org', pupil: 'paul.schueler@school.org', outsider: 'gast@example.net' });
    });

    it('an app role in the `roles` claim makes an organizer too; the group object ids stay visible next to the mapped name', async () => {
      const bert = await entra.signIn('bert.lehrer@school.org');
      expect((await bert.get('/api/v1/me').expect(200)).body.roles).toEqual(['participant', 'organizer']);
      const anna = await entra.signIn('anna.lehrer@school.org');
      expect((await anna.get('/api/v1/me').expect(200)).body.idpRoles).toEqual([groupObjectId('Lehrkräfte'), 'teachers']);
    });

    it('xms_edov false (the tenant has not verified the domain) keeps a trusted-domain address unverified', async () => {
      const pia = await entra.signIn('pia.schueler@school.org');
      expect((await pia.get('/api/v1/me').expect(200)).body.emailVerified).toBe(false);
    });
  });

  describe('Google Workspace: hd and email_verified, no groups', () => {
    let google: Provider;
    beforeAll(async () => {
      google = await startProvider('google', '', [
        user('lena.lehrerin@school.org', 'Lena Lehrerin', []),
        user('max.schueler@school.org', 'Max Schüler', []),
        user('fremd@example.net', 'Frida Fremd', [], { emailVerified: false }),
      ]);
      // Google sends no groups: organizers are granted by email in Moderato before their first sign-in.
      await google.api.app.get(UsersService).grantByEmail('lena.lehrerin@school.org', { organizer: 'grant' }, { id: null, label: 'test' });
    });
    afterAll(async () => {
      await google?.close();
    });

    it('a teacher granted by email is organizer; the pupil gets a member token; an unverified address is refused', async () => {
      await provesTheJoin(google, { teacher: 'lena.lehrerin@school.org', pupil: 'max.schueler@school.org', outsider: 'fremd@example.net' });
    });
  });

  describe('Keycloak: realm issuer, realm_access.roles', () => {
    let keycloak: Provider;
    beforeAll(async () => {
      keycloak = await startProvider(
        'keycloak',
        '/realms/school',
        [
          user('tom.teacher@school.org', 'Tom Teacher', ['teachers']),
          user('sam.student@school.org', 'Sam Student', ['students']),
          user('ursula@example.net', 'Ursula Unverified', ['students'], { emailVerified: false }),
        ],
        // Only the realm roles: the groups claim must not be what makes the teacher an organizer.
        { OIDC_ROLE_CLAIMS: 'realm_access.roles', OIDC_TRUSTED_EMAIL_DOMAINS: 'school.org' },
      );
    });
    afterAll(async () => {
      await keycloak?.close();
    });

    it('a teacher with the realm role is organizer; the student gets a member token; an unverified address is refused', async () => {
      await provesTheJoin(keycloak, { teacher: 'tom.teacher@school.org', pupil: 'sam.student@school.org', outsider: 'ursula@example.net' });
    });
  });

  describe('Authentik: an issuer ending in a slash, groups by name', () => {
    let authentik: Provider;
    const users = [
      user('tina.teacher@school.org', 'Tina Teacher', ['teachers']),
      user('sara.student@school.org', 'Sara Student', ['students']),
      user('otto@example.net', 'Otto Outside', ['students'], { emailVerified: false }),
    ];
    beforeAll(async () => {
      authentik = await startProvider('authentik', '/application/o/moderato/', users, { OIDC_TRUSTED_EMAIL_DOMAINS: 'school.org' });
    });
    afterAll(async () => {
      await authentik?.close();
    });

    it('uses the issuer exactly as shown: a teacher is organizer; the student gets a member token; an unverified address is refused', async () => {
      expect(authentik.idp.issuer).toMatch(/\/application\/o\/moderato\/$/);
      await provesTheJoin(authentik, { teacher: 'tina.teacher@school.org', pupil: 'sara.student@school.org', outsider: 'otto@example.net' });
    });

    it('configured without the slash: people see "sign-in is misconfigured" (en, de), the log names both issuers', async () => {
      const configured = authentik.idp.issuer.replace(/\/$/, '');
      const api = await startApi({ env: { OIDC_ISSUER: configured, OIDC_CLIENT_ID: 'moderato', OIDC_CLIENT_SECRET: 'profile-secret' } });
      try {
        const en = await request(api.server).get('/auth/login').set('Accept-Language', 'en').expect(503);
        expect(en.text).toContain('Sign-in is misconfigured');
        expect(en.text).toContain('Please tell your administrator.');
        expect(en.text).not.toContain('does not answer');
        const de = await request(api.server).get('/auth/login').set('Accept-Language', 'de').expect(503);
        expect(de.text).toContain('Die Anmeldung ist falsch eingerichtet');
        expect(api.logs.text()).toContain(
          `OIDC_ISSUER is ${configured} but the identity provider announces ${authentik.idp.issuer} (the trailing slash differs)`,
        );
      } finally {
        await api.close();
      }
    });
  });
});
