import { translator } from '@moderato/i18n';
import { interopExpectations, type InteropMessageKey } from './interop-expectations';
import { interopRoomName, mintInteropLinks } from './interop-plan';
import { formatInteropCheck } from './interop-text';

const server = {
  id: '0b7c8a6e-1111-4222-8333-444455556666',
  baseUrl: 'https://meet.school.test',
  xmppDomain: 'meet.jitsi',
  appId: 'moderato',
  audience: 'jitsi-school',
  signingMode: 'HS256' as const,
};
const NOW = new Date('2026-12-02T10:00:00Z');
const EXPIRES = new Date('2026-12-02T10:15:00Z');

/** Every message key the expectations use, so that each can be checked against the catalogues. */
function keysOf(expectations: ReturnType<typeof interopExpectations>): InteropMessageKey[] {
  return expectations.flatMap((e) => [e.expect, ...e.outcomes.map((o) => o.label), ...e.failures.flatMap((f) => [f.meaning, ...f.causes.map((c) => c.key)])]);
}

describe('interop expectations', () => {
  const expectations = interopExpectations(server, 'https://moderato.school.test');

  it('every text is in English and German (not the bare key)', () => {
    for (const locale of ['en', 'de'] as const) {
      const t = translator(locale);
      for (const key of keysOf(expectations)) expect(t(key)).not.toBe(key);
    }
  });

  it('participant as moderator names auto-owner, Jicofo authentication and token_affiliation, with the exact lines', () => {
    const failure = expectations.find((e) => e.kind === 'participant')!.failures.find((f) => f.outcome === 'moderator')!;
    expect(failure.causes.map((c) => c.key)).toEqual(['interop.cause.autoOwner', 'interop.cause.jicofoAuth', 'interop.cause.affiliation']);
    const lines = (install: string) => failure.causes.flatMap((c) => c.fixes.filter((f) => f.install === install).flatMap((f) => f.lines));
    expect(lines('docker')).toEqual(['ENABLE_AUTO_OWNER=0', 'JICOFO_ENABLE_AUTH=0', 'XMPP_MUC_MODULES=token_affiliation,token_owner_party']);
    expect(lines('debian')).toEqual(
      expect.arrayContaining([
        'jicofo.conference.enable-auto-owner = false',
        'jicofo.authentication.enabled = false',
        'Component "conference.meet.jitsi" "muc"',
      ]),
    );
  });

  it('no token / wrong room entering name allow_empty_token and token_verification', () => {
    const lines = (kind: string) =>
      expectations.find((e) => e.kind === kind)!.failures.flatMap((f) => f.causes.flatMap((c) => c.fixes.flatMap((fix) => fix.lines)));
    expect(lines('noToken')).toEqual(expect.arrayContaining(['JWT_ALLOW_EMPTY=0', '    allow_empty_token = false', 'ENABLE_AUTH=1', 'AUTH_TYPE=jwt']));
    expect(lines('wrongRoom').join('\n')).toContain('"token_verification"');
  });

  it("authentication failed on the organizer link points at the key, aud, iss, the clock and last sub (checked only with domain verification), with this server's values, and at the inspector", () => {
    const failure = expectations.find((e) => e.kind === 'organizer')!.failures.find((f) => f.outcome === 'authFailed')!;
    expect(failure.inspectToken).toBe(true);
    expect(failure.causes.map((c) => c.key)).toEqual([
      'interop.cause.secret',
      'interop.cause.aud',
      'interop.cause.iss',
      'interop.cause.clock',
      'interop.cause.sub',
    ]);
    expect(translator('en')('interop.cause.aud', failure.causes[1].params)).toContain('"jitsi-school"');
    expect(failure.causes[1].fixes[0].lines).toEqual(['JWT_ACCEPTED_AUDIENCES=jitsi-school']);
    const rs = interopExpectations({ ...server, signingMode: 'RS256' }, 'https://moderato.school.test')[0].failures[1].causes[0];
    expect(rs.fixes[0].lines).toEqual([`JWT_ASAP_KEYSERVER=https://moderato.school.test/asap/${server.id}`]);
  });
});

describe('formatInteropCheck (the CLI text)', () => {
  it('prints the four links and, for each, what must happen and what to change otherwise', async () => {
    const room = interopRoomName();
    const links = await mintInteropLinks({
      server,
      signingKey: { alg: 'HS256', secret: 'interop-test-secret-0123456789-abcdefgh' },
      room,
      otherRoom: interopRoomName(),
      expiresAt: EXPIRES,
      now: NOW,
      maxTtlSeconds: 3600,
      organizer: { id: 'admin-1', email: 'admin@school.test' },
    });
    const text = formatInteropCheck(
      { serverName: 'School Jitsi', room, expiresAt: EXPIRES, links, expectations: interopExpectations(server, 'https://moderato.school.test') },
      translator('en'),
    );
    expect(text).toContain('Interop check of the Jitsi server "School Jitsi"');
    expect(text).toContain(`Test room ${room}, open until 2026-12-02T10:15:00.000Z`);
    for (const link of links) expect(text).toContain(`   ${link.url}\n`);
    expect(text).toMatch(/1\. Organizer \(owner token\)[\s\S]*2\. Participant \(member token\)[\s\S]*3\. No token[\s\S]*4\. Wrong room/);
    expect(text).toContain('Must happen: Enters the same room as a plain participant, WITHOUT moderator rights');
    expect(text).toContain('If instead: Entered WITH moderator rights\n     Everyone who joins becomes moderator');
    expect(text).toMatch(/docker-jitsi-meet install — \.env \(then: docker compose up -d\):\n {9}ENABLE_AUTO_OWNER=0/);
    expect(text).toMatch(
      /Debian\/Ubuntu install — \/etc\/jitsi\/jicofo\/jicofo\.conf \(then: systemctl restart jicofo\):\n {9}jicofo\.conference\.enable-auto-owner = false/,
    );
    expect(text).toMatch(/docker-jitsi-meet install — in a shell on the Jitsi host:\n {9}timedatectl set-ntp true/);
    expect(text).toContain('Token inspector');

    const german = formatInteropCheck(
      { serverName: 'School Jitsi', room, expiresAt: EXPIRES, links: [], expectations: interopExpectations(server, 'https://moderato.school.test') },
      translator('de'),
    );
    expect(german).toContain('Das Testfenster ist vorbei');
    expect(german).toContain('Muss passieren: Abgewiesen');
    expect(german).not.toContain('?jwt=');
    expect(german).toContain('Debian/Ubuntu-Installation — /etc/jitsi/jicofo/jicofo.conf (danach: systemctl restart jicofo):');
    expect(german).toContain('in einer Shell auf dem Jitsi-Host:');
  });
});
