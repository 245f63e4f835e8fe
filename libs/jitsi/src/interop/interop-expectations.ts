import type { JitsiServer } from '../jitsi-server.entity';
import { SECRET_PLACEHOLDER, luaString } from '../config-snippets';
import { EXPECTED_OUTCOMES, INTEROP_LINKS, INTEROP_OUTCOMES } from './interop-plan';
import type { InteropLinkKind } from './jitsi-server-check.entity';

/**
 * The texts of the interop check, as keys of the pages' catalogue (libs/i18n: en/jitsi.ts and
 * de/jitsi.ts). A translator for MessageKey fits `InteropTranslate` only while every key here exists
 * there, so the type check catches a missing text.
 */
export type InteropMessageKey =
  | `interop.link.${InteropLinkKind}`
  | `interop.expect.${InteropLinkKind}`
  | 'interop.outcome.organizer.moderator'
  | 'interop.outcome.organizer.notModerator'
  | 'interop.outcome.organizer.authFailed'
  | 'interop.outcome.participant.member'
  | 'interop.outcome.participant.moderator'
  | 'interop.outcome.participant.refused'
  | 'interop.outcome.noToken.refused'
  | 'interop.outcome.noToken.entered'
  | 'interop.outcome.wrongRoom.refused'
  | 'interop.outcome.wrongRoom.entered'
  | 'interop.fail.organizer.notModerator'
  | 'interop.fail.organizer.authFailed'
  | 'interop.fail.participant.moderator'
  | 'interop.fail.participant.refused'
  | 'interop.fail.noToken.entered'
  | 'interop.fail.wrongRoom.entered'
  | 'interop.cause.sub'
  | 'interop.cause.aud'
  | 'interop.cause.iss'
  | 'interop.cause.secret'
  | 'interop.cause.keyServer'
  | 'interop.cause.clock'
  | 'interop.cause.autoOwner'
  | 'interop.cause.jicofoAuth'
  | 'interop.cause.affiliation'
  | 'interop.cause.ownerFirst'
  | 'interop.cause.allowEmpty'
  | 'interop.cause.authOff'
  | 'interop.cause.guests'
  | 'interop.cause.tokenVerification'
  | 'interop.text.title'
  | 'interop.text.window'
  | 'interop.text.expected'
  | 'interop.text.ifNot'
  | 'interop.text.docker'
  | 'interop.text.debian'
  | 'interop.text.inspect'
  | 'interop.text.expired'
  | 'interop.where.shell'
  | 'interop.where.then';

export type InteropTranslate = (key: InteropMessageKey, params?: Record<string, string | number>) => string;

/** Lines to change on one kind of install, in one file (or commands to run in a shell). */
export interface InteropFixLines {
  /** docker-jitsi-meet, or a Debian/Ubuntu (Prosody/Jicofo/Jitsi Meet packages) install. */
  install: 'docker' | 'debian';
  /** The file the lines go into; absent when the lines are shell commands on the Jitsi host. */
  file?: string;
  /** The command that applies the change, e.g. `docker compose up -d`. */
  apply?: string;
  lines: string[];
}

/** One likely cause of a failure, in plain words, and the exact lines that fix it. */
export interface InteropCause {
  key: InteropMessageKey;
  params?: Record<string, string>;
  fixes: InteropFixLines[];
}

/** What it means when a link does not behave as it must. */
export interface InteropFailure {
  outcome: string;
  meaning: InteropMessageKey;
  causes: InteropCause[];
  /** The token inspector, with this link's token, tells which claim Jitsi refused. */
  inspectToken?: boolean;
}

export interface InteropExpectation {
  kind: InteropLinkKind;
  /** What must happen. */
  expect: InteropMessageKey;
  /** The outcomes an admin can tick, the expected one first. */
  outcomes: { value: string; label: InteropMessageKey; expected: boolean }[];
  failures: InteropFailure[];
}

export const outcomeLabel = (kind: InteropLinkKind, outcome: string) => `interop.outcome.${kind}.${outcome}` as InteropMessageKey;

/**
 * For each of the four links: what must happen, and, for every other outcome, what it means and
 * which lines to change, for docker-jitsi-meet (.env) and for a Debian install (Prosody,
 * Jicofo, Jitsi Meet config), filled in with the server's values.
 */
export function interopExpectations(
  server: Pick<JitsiServer, 'id' | 'baseUrl' | 'xmppDomain' | 'appId' | 'audience' | 'signingMode'>,
  publicUrl: string,
): InteropExpectation[] {
  const prosody = { file: `/etc/prosody/conf.avail/${server.xmppDomain}.cfg.lua`, apply: 'systemctl restart prosody' };
  const jicofo = { file: '/etc/jitsi/jicofo/jicofo.conf', apply: 'systemctl restart jicofo' };
  const meetConfig = { file: `/etc/jitsi/meet/${hostOf(server.baseUrl)}-config.js` };
  const hs = server.signingMode === 'HS256';
  const keyServer = `${publicUrl}/asap/${server.id}`;
  const component = `Component "conference.${server.xmppDomain}" "muc"`;
  const docker = (...lines: string[]): InteropFixLines => ({ install: 'docker', file: '.env', apply: 'docker compose up -d', lines });
  const debian = (where: { file: string; apply?: string }, ...lines: string[]): InteropFixLines => ({ install: 'debian', ...where, lines });

  const failures: Record<InteropLinkKind, InteropFailure[]> = {
    organizer: [
      {
        outcome: 'notModerator',
        meaning: 'interop.fail.organizer.notModerator',
        causes: [
          {
            key: 'interop.cause.affiliation',
            fixes: [
              docker('XMPP_MUC_MODULES=token_affiliation,token_owner_party'),
              debian(prosody, component, '    modules_enabled = { "token_verification"; "token_affiliation"; "token_owner_party"; }'),
            ],
          },
        ],
      },
      {
        outcome: 'authFailed',
        meaning: 'interop.fail.organizer.authFailed',
        inspectToken: true,
        causes: [
          hs
            ? {
                key: 'interop.cause.secret',
                fixes: [docker(`JWT_APP_SECRET=${SECRET_PLACEHOLDER}`), debian(prosody, `    app_secret = ${luaString(SECRET_PLACEHOLDER)}`)],
              }
            : {
                key: 'interop.cause.keyServer',
                params: { url: keyServer },
                fixes: [docker(`JWT_ASAP_KEYSERVER=${keyServer}`), debian(prosody, `    asap_key_server = "${keyServer}"`)],
              },
          {
            key: 'interop.cause.aud',
            params: { audience: server.audience },
            fixes: [docker(`JWT_ACCEPTED_AUDIENCES=${server.audience}`), debian(prosody, `    asap_accepted_audiences = { "${server.audience}" }`)],
          },
          {
            key: 'interop.cause.iss',
            params: { appId: server.appId },
            fixes: [docker(`JWT_APP_ID=${server.appId}`), debian(prosody, `    app_id = "${server.appId}"`)],
          },
          {
            key: 'interop.cause.clock',
            fixes: [
              { install: 'docker', lines: ['timedatectl set-ntp true', 'timedatectl status'] },
              { install: 'debian', lines: ['timedatectl set-ntp true', 'timedatectl status'] },
            ],
          },
          // Last: Prosody checks "sub" only where domain verification is on (docs/jitsi-tokens.md).
          {
            key: 'interop.cause.sub',
            params: { domain: server.xmppDomain },
            fixes: [docker(`XMPP_DOMAIN=${server.xmppDomain}`), debian(prosody, `VirtualHost "${server.xmppDomain}"`)],
          },
        ],
      },
    ],
    participant: [
      {
        outcome: 'moderator',
        meaning: 'interop.fail.participant.moderator',
        causes: [
          { key: 'interop.cause.autoOwner', fixes: [docker('ENABLE_AUTO_OWNER=0'), debian(jicofo, 'jicofo.conference.enable-auto-owner = false')] },
          { key: 'interop.cause.jicofoAuth', fixes: [docker('JICOFO_ENABLE_AUTH=0'), debian(jicofo, 'jicofo.authentication.enabled = false')] },
          {
            key: 'interop.cause.affiliation',
            fixes: [
              docker('XMPP_MUC_MODULES=token_affiliation,token_owner_party'),
              debian(prosody, component, '    modules_enabled = { "token_verification"; "token_affiliation"; "token_owner_party"; }'),
            ],
          },
        ],
      },
      { outcome: 'refused', meaning: 'interop.fail.participant.refused', inspectToken: true, causes: [{ key: 'interop.cause.ownerFirst', fixes: [] }] },
    ],
    noToken: [
      {
        outcome: 'entered',
        meaning: 'interop.fail.noToken.entered',
        causes: [
          {
            key: 'interop.cause.allowEmpty',
            fixes: [docker('JWT_ALLOW_EMPTY=0'), debian(prosody, `VirtualHost "${server.xmppDomain}"`, '    allow_empty_token = false')],
          },
          {
            key: 'interop.cause.authOff',
            fixes: [docker('ENABLE_AUTH=1', 'AUTH_TYPE=jwt'), debian(prosody, `VirtualHost "${server.xmppDomain}"`, '    authentication = "token"')],
          },
          { key: 'interop.cause.guests', fixes: [docker('ENABLE_GUESTS=0'), debian(meetConfig, `// anonymousdomain: 'guest.${server.xmppDomain}',`)] },
        ],
      },
    ],
    wrongRoom: [
      {
        outcome: 'entered',
        meaning: 'interop.fail.wrongRoom.entered',
        causes: [
          {
            key: 'interop.cause.tokenVerification',
            fixes: [
              docker('ENABLE_AUTH=1', 'AUTH_TYPE=jwt'),
              debian(prosody, component, '    modules_enabled = { "token_verification"; "token_affiliation"; "token_owner_party"; }'),
            ],
          },
        ],
      },
    ],
  };

  return INTEROP_LINKS.map((kind) => ({
    kind,
    expect: `interop.expect.${kind}` as const,
    outcomes: (INTEROP_OUTCOMES[kind] as readonly string[]).map((value) => ({
      value,
      label: outcomeLabel(kind, value),
      expected: value === EXPECTED_OUTCOMES[kind],
    })),
    failures: failures[kind],
  }));
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return '<your host>';
  }
}
