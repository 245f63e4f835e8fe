import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { Invitation, LinkCodes } from '@moderato/meetings';
import { csrfTokenOf } from './api-app';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
const featuresIn = (location: string) =>
  JSON.parse(Buffer.from(new URL(location).searchParams.get('jwt')!.split('.')[1], 'base64url').toString()).context.features as Record<string, boolean>;
const ALL = ['screen-sharing', 'recording', 'livestreaming', 'transcription', 'outbound-call', 'file-upload'];
/** The same token with context.features taken out (signature no longer valid; not checked without a server). */
const withoutFeatures = (token: string) => {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  delete claims.context.features;
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
};
const only = (...allowed: string[]) => Object.fromEntries(ALL.map((feature) => [feature, allowed.includes(feature)]));

describe('what participants may do: context.features by role, policy defaults and the meeting override (issue 21 §5)', () => {
  let env: SignedInApi;
  let admin: TestAgent;
  let adminCsrf: string;
  let teacher: TestAgent;
  let csrf: string;
  let serverId: string;

  beforeAll(async () => {
    env = await startSignedInApi({ env: { GUEST_ACCESS_ALLOWED: 'true' } });
    serverId = (await registerJitsiServer(env.api)).id;
    admin = await env.signIn('admin@school.test');
    adminCsrf = await env.csrf(admin);
    teacher = await env.signIn('teacher@school.test');
    csrf = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  function schedule(extra: Record<string, unknown> = {}) {
    const start = new Date(Date.now() + 5 * 60_000);
    return teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', csrf)
      .send({
        title: 'Physics 9a',
        startsAt: iso(start),
        endsAt: iso(new Date(start.getTime() + 45 * 60_000)),
        timezone: 'UTC',
        invitees: [{ email: 'student@school.test' }, { email: 'teacher2@school.test', role: 'moderator' }],
        ...extra,
      });
  }
  async function tokens(meetingId: string) {
    const invitations = await env.api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId });
    const linkOf = (email: string) => `/j/${env.api.app.get(LinkCodes).codeFor(invitations.find((i) => i.email === email)!)}`;
    const student = await env.signIn('student@school.test');
    const coModerator = await env.signIn('teacher2@school.test');
    return {
      owner: featuresIn((await teacher.get(`/meetings/${meetingId}/start`).expect(302)).headers.location),
      moderator: featuresIn((await coModerator.get(linkOf('teacher2@school.test')).expect(302)).headers.location),
      member: featuresIn((await student.get(linkOf('student@school.test')).expect(302)).headers.location),
      linkOf,
    };
  }

  it('with the defaults: owner and co-moderator may do everything, a participant only share their screen; every feature is in the token', async () => {
    const { body: meeting } = await schedule().expect(201);
    expect(meeting.features).toEqual({});
    const { owner, moderator, member } = await tokens(meeting.id);
    expect(owner).toEqual(only(...ALL));
    expect(moderator).toEqual(only(...ALL));
    expect(member).toEqual(only('screen-sharing'));
  });

  it('"pupils may not share their screen": the override reaches the participant, not the organizer or co-moderator, and the page says so', async () => {
    const { body: meeting } = await schedule({ features: { 'screen-sharing': false } }).expect(201);
    expect(meeting.features).toEqual({ 'screen-sharing': false });
    const { owner, moderator, member } = await tokens(meeting.id);
    expect(member).toEqual(only());
    expect(owner['screen-sharing']).toBe(true);
    expect(moderator['screen-sharing']).toBe(true);
    const page = await teacher.get(`/meetings/${meeting.id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toMatch(
      /data-feature="screen-sharing" data-allowed="false">Share their screen: <strong>no<\/strong> <span class="muted">\(set for this meeting\)/,
    );
    // Back to the default with null.
    const { body: again } = await teacher
      .patch(`/api/v1/meetings/${meeting.id}`)
      .set('x-csrf-token', csrf)
      .send({ version: meeting.version, features: { 'screen-sharing': null } })
      .expect(200);
    expect(again.features).toEqual({});
  });

  it('refuses what the policy does not let organizers allow, unknown features and non-booleans, with field messages', async () => {
    const refused = await schedule({ features: { recording: true } }).expect(400);
    expect(refused.body.details).toEqual([
      { field: 'features.recording', messages: ['recording must not be allowed: your organisation does not let organizers allow it for participants'] },
    ]);
    const unknown = await schedule({ features: { whiteboard: true } }).expect(400);
    expect(unknown.body.details).toEqual([{ field: 'features.whiteboard', messages: ['property whiteboard should not exist'] }]);
    const notBoolean = await schedule({ features: { 'screen-sharing': 'no' } }).expect(400);
    expect(notBoolean.body.details).toEqual([{ field: 'features.screen-sharing', messages: ['screen-sharing must be true, false or null'] }]);
    await schedule({ features: ['screen-sharing'] }).expect(400);
    const badPolicy = await admin
      .put('/api/v1/admin/policy')
      .set('x-csrf-token', adminCsrf)
      .send({ participantFeatures: { member: { recording: 'sometimes' }, teacher: {} } })
      .expect(400);
    expect(badPolicy.body.details).toEqual(
      expect.arrayContaining([
        { field: 'participantFeatures.member.recording', messages: ['recording must be true or false'] },
        { field: 'participantFeatures.teacher', messages: ['property teacher should not exist'] },
      ]),
    );
  });

  it('a policy change reaches the next tokens: members may record, organizers may allow live streaming; guests keep their own defaults', async () => {
    const { body } = await admin
      .put('/api/v1/admin/policy')
      .set('x-csrf-token', adminCsrf)
      .send({ participantFeatures: { member: { recording: true }, organizerMayAllow: { livestreaming: true } } })
      .expect(200);
    expect(body.participantFeatures.member).toEqual(only('screen-sharing', 'recording'));
    expect(body.participantFeatures.guest).toEqual(only('screen-sharing'));
    const { body: meeting } = await schedule({ features: { livestreaming: true, 'file-upload': false }, options: { guestAccess: true } }).expect(201);
    const { member, owner, linkOf } = await tokens(meeting.id);
    expect(member).toEqual(only('screen-sharing', 'recording', 'livestreaming'));
    expect(owner).toEqual(only(...ALL));

    // A guest: the guest defaults, with the meeting's override for participants.
    const guest = request.agent(env.api.server);
    const choice = await guest.get(linkOf('student@school.test')).set('Accept-Language', 'en').expect(200);
    const joined = await guest
      .post(`${linkOf('student@school.test')}/guest`)
      .type('form')
      .send({ _csrf: csrfTokenOf(choice.text), displayName: 'Pat Parent' })
      .expect(302);
    expect(featuresIn(joined.headers.location)).toEqual(only('screen-sharing', 'livestreaming'));

    // Switched off: no context.features at all, Jitsi decides.
    await admin
      .put('/api/v1/admin/policy')
      .set('x-csrf-token', adminCsrf)
      .send({ participantFeatures: { enabled: false } })
      .expect(200);
    const off = await teacher.get(`/meetings/${meeting.id}/start`).expect(302);
    expect(featuresIn(off.headers.location)).toBeUndefined();
    await admin.delete('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).expect(200);
  });

  it('the policy page saves the grid exactly as ticked, in English and German, and keeps it on an error', async () => {
    const page = await admin.get('/admin/policy').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('What participants may do');
    expect(page.text).toContain('name="participantFeatures[member][screen-sharing]" value="true" aria-label="Participants: Share their screen" checked');
    const german = await admin.get('/admin/policy').set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('Was Teilnehmende dürfen');
    expect(german.text).toContain('aria-label="Gäste: Bildschirm teilen" checked');
    const current = (await admin.get('/api/v1/admin/policy').expect(200)).body.policy;
    const form = {
      _csrf: csrfTokenOf(page.text),
      joinWindowBeforeMinutes: String(current.joinWindowBeforeMinutes),
      'participantFeatures[enabled]': 'true',
      'participantFeatures[owner][recording]': 'true',
      'participantFeatures[moderator][recording]': 'true',
      'participantFeatures[member][transcription]': 'true',
      'participantFeatures[organizerMayAllow][screen-sharing]': 'true',
    };
    await admin.post('/admin/policy').type('form').send(form).expect(303);
    const saved = (await admin.get('/api/v1/admin/policy').expect(200)).body.policy.participantFeatures;
    // An unticked box is "no": the guests' screen sharing and the owner's other features went off.
    expect(saved).toEqual({
      enabled: true,
      owner: only('recording'),
      moderator: only('recording'),
      member: only('transcription'),
      guest: only(),
      organizerMayAllow: only('screen-sharing'),
    });
    const shown = await admin.get('/admin/policy').set('Accept-Language', 'de').expect(200);
    expect(shown.text).toContain('aria-label="Teilnehmende: Transkription" checked');
    expect(shown.text).not.toContain('aria-label="Gäste: Bildschirm teilen" checked');

    const bad = await admin
      .post('/admin/policy')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ ...form, 'participantFeatures[member][transcription]': 'maybe' })
      .expect(400);
    expect(bad.text.match(/field-error">[^<]*/g)).toEqual(['field-error">member.transcription: Choose one of the options']);
    expect(bad.text).toContain('aria-label="Organizer');
    await admin.delete('/api/v1/admin/policy').set('x-csrf-token', adminCsrf).expect(200);
  });

  it('the meeting form offers the choice; "not allowed" is saved and shown again on the edit form', async () => {
    const form = await teacher.get('/meetings/new').set('Accept-Language', 'en').expect(200);
    expect(form.text).toContain('<select id="f-feature-screen-sharing" name="feature-screen-sharing">');
    // Recording: the organisation does not let organizers allow it, so only "default" and "not allowed".
    expect(/name="feature-recording">([^]*?)<\/select>/.exec(form.text)![1]).not.toContain('value="allow"');
    const date = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const created = await teacher
      .post('/meetings')
      .type('form')
      .send({
        _csrf: csrfTokenOf(form.text),
        title: 'Art 5c',
        date,
        startTime: '10:00',
        endTime: '10:45',
        timezone: 'UTC',
        repeat: 'none',
        joinBefore: '10',
        participants: 'student@school.test',
        'feature-screen-sharing': 'deny',
        'feature-recording': 'default',
      })
      .expect(303);
    const id = created.headers.location.split('/').pop();
    const { body: meeting } = await teacher.get(`/api/v1/meetings/${id}`).expect(200);
    expect(meeting.features).toEqual({ 'screen-sharing': false });
    const edit = await teacher.get(`/meetings/${id}/edit`).set('Accept-Language', 'de').expect(200);
    expect(edit.text).toContain('<option value="deny" selected>Nicht erlaubt</option>');
    const refused = await teacher
      .post('/meetings')
      .set('Accept-Language', 'en')
      .type('form')
      .send({
        _csrf: csrfTokenOf(form.text),
        title: 'Art 5d',
        date,
        startTime: '11:00',
        endTime: '11:45',
        timezone: 'UTC',
        repeat: 'none',
        'feature-recording': 'allow',
      })
      .expect(400);
    expect(refused.text).toContain('Your organisation does not let organizers allow this for participants: keep the default or choose “Not allowed”.');
    expect(refused.text).toContain('value="Art 5d"');
    const german = await teacher
      .post('/meetings')
      .set('Accept-Language', 'de')
      .type('form')
      .send({
        _csrf: csrfTokenOf(form.text),
        title: 'Art 5d',
        date,
        startTime: '11:00',
        endTime: '11:45',
        timezone: 'UTC',
        repeat: 'none',
        'feature-recording': 'allow',
      })
      .expect(400);
    expect(german.text).toContain('Ihre Organisation lässt Organisatoren dies für Teilnehmende nicht erlauben');
  });

  it('the token inspector shows what a token lets its holder do, on the page and in the API', async () => {
    const { body: meeting } = await schedule({ features: { 'screen-sharing': false } }).expect(201);
    const invitations = await env.api.app.get(DataSource).getRepository(Invitation).findBy({ meetingId: meeting.id });
    const link = `/j/${env.api.app.get(LinkCodes).codeFor(invitations.find((i) => i.email === 'student@school.test')!)}`;
    const location = (await (await env.signIn('student@school.test')).get(link).expect(302)).headers.location;
    const token = new URL(location).searchParams.get('jwt')!;
    const page = await admin.get('/admin/tokens/inspect').set('Accept-Language', 'en').expect(200);
    const shown = await admin
      .post('/admin/tokens/inspect')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), token, serverId })
      .expect(200);
    expect(shown.text).toContain('What this person may do (context.features)');
    expect(shown.text).toMatch(
      /data-feature="screen-sharing" data-allowed="false">Share their screen <code>screen-sharing: false<\/code> — <strong>no<\/strong>/,
    );
    expect(shown.text).toMatch(/data-feature="recording" data-allowed="false">Record the meeting/);
    const { body } = await admin.post('/api/v1/tokens/inspect').set('x-csrf-token', adminCsrf).send({ token, serverId }).expect(200);
    expect(body.features).toEqual(ALL.map((name) => ({ name, value: false, allowed: false })));
    // A token without context.features: Jitsi decides by moderator status.
    const german = await admin
      .post('/admin/tokens/inspect')
      .set('Accept-Language', 'de')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), token: withoutFeatures(token) })
      .expect(200);
    expect(german.text).toContain('data-features="none">Keine: Jitsi entscheidet nach Moderationsrechten');
  });

  it('Test this server: the participant link carries the features the policy gives members, and the page and API say so', async () => {
    const started = await admin.post(`/admin/servers/${serverId}/checks`).type('form').send({ _csrf: adminCsrf }).expect(303);
    const check = await admin.get(started.headers.location).set('Accept-Language', 'en').expect(200);
    expect(check.text).toContain('data-feature-check="ok"');
    expect(check.text).toContain('What the participant link may do (context.features):</strong> as the policy says for participants.');
    expect(check.text).toContain('data-feature="screen-sharing" data-allowed="true">Share their screen: <strong>yes</strong>');
    expect(check.text).toContain('data-feature="recording" data-allowed="false">Record the meeting: <strong>no</strong>');
    const { body } = await admin.post(`/api/v1/servers/${serverId}/checks`).set('x-csrf-token', adminCsrf).send({}).expect(201);
    expect(body.memberFeatures).toEqual({ ok: true, expected: only('screen-sharing'), found: only('screen-sharing'), problems: [] });
  });

  it('the server page shows what Jitsi needs to enforce them (en, de), and the download has the lines', async () => {
    const page = await admin.get(`/admin/servers/${serverId}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('What participants may do: what Jitsi needs');
    expect(page.text).toContain('XMPP_MODULES=filter_iq_jibri,filter_iq_rayo');
    expect(page.text).toContain('    modules_enabled = { &quot;filter_iq_jibri&quot;; &quot;filter_iq_rayo&quot;; }');
    const german = await admin.get(`/admin/servers/${serverId}`).set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('Was Teilnehmende dürfen: was Jitsi dafür braucht');
    const download = await admin.get(`/admin/servers/${serverId}/jitsi-config.txt`).expect(200);
    expect(download.text).toContain('# ===== What participants may do: docker-jitsi-meet\n');
    expect(download.text).toContain('XMPP_MODULES=filter_iq_jibri,filter_iq_rayo\n');
  });

  it('a permanent room gives the policy defaults of the affiliation its access list names', async () => {
    await admin
      .post('/api/v1/admin/rooms')
      .set('x-csrf-token', adminCsrf)
      .send({
        name: 'Homework club',
        serverId,
        access: [
          { kind: 'user', value: 'teacher@school.test', affiliation: 'moderator' },
          { kind: 'user', value: 'student@school.test', affiliation: 'member' },
        ],
      })
      .expect(201);
    expect(featuresIn((await teacher.get('/r/homework-club').expect(302)).headers.location)).toEqual(only(...ALL));
    const student = await env.signIn('student@school.test');
    expect(featuresIn((await student.get('/r/homework-club').expect(302)).headers.location)).toEqual(only('screen-sharing'));
  });
});
