import type { JitsiServer } from './jitsi-server.entity';

export interface SnippetLine {
  /** The exact line to paste. */
  line: string;
  /** One sentence: what it does. */
  why: string;
}

export interface SnippetSection {
  id: 'docker' | 'plugins' | 'prosody' | 'jicofo' | 'meet' | 'features-docker' | 'features-prosody';
  title: string;
  /** How the file comments a line: each line is shown after its `why` as such a comment. */
  comment: '#' | '--' | '//';
  /** Where it goes. */
  file: string;
  lines: SnippetLine[];
}

/** Stands for the HS256 secret until an admin reveals it; no quotes, so it fits any line. */
export const SECRET_PLACEHOLDER = "<shared secret: press 'Reveal secret' on the server page>";

/**
 * A Lua string literal of `value` ("…"), as Prosody's configuration reads it back: backslash and
 * double quote escaped, control characters as decimal escapes (\010), everything else as is.
 */
export function luaString(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what must be escaped
  const body = value.replace(/[\\"\u0000-\u001f\u007f]/g, (char) => {
    if (char === '\\' || char === '"') return `\\${char}`;
    return `\\${char.charCodeAt(0).toString().padStart(3, '0')}`;
  });
  return `"${body}"`;
}

/** Where jitsi-contrib/prosody-plugins publishes a plugin (Debian's jitsi-meet packages lack them). */
const CONTRIB_PLUGIN = (name: string) => `https://raw.githubusercontent.com/jitsi-contrib/prosody-plugins/main/${name}/mod_${name}.lua`;
const DEBIAN_PLUGIN_DIR = '/usr/share/jitsi-meet/prosody-plugins';

/**
 * The Jitsi-side configuration for a server, filled in with its values, as docs/jitsi.md
 * explains it: docker-jitsi-meet `.env` lines, the Prosody lines of a Debian install, Jicofo's
 * auto-owner and authentication switches, and no guest domain in Jitsi Meet's config.js. Pass
 * `secret` only after an admin revealed it.
 */
export function jitsiConfigSnippets(
  server: Pick<JitsiServer, 'id' | 'xmppDomain' | 'appId' | 'audience' | 'signingMode'> & { lobbyBypass?: boolean; baseUrl?: string },
  publicUrl: string,
  options: { secret?: string; ownerParty?: boolean } = {},
): SnippetSection[] {
  const secret = options.secret ?? SECRET_PLACEHOLDER;
  const keyServer = `${publicUrl}/asap/${server.id}`;
  const modules = [
    'token_affiliation',
    ...(options.ownerParty === false ? [] : ['token_owner_party']),
    ...(server.lobbyBypass ? ['token_lobby_bypass'] : []),
  ].join(',');
  const hs = server.signingMode === 'HS256';
  // Debian names config.js after the host people open; the XMPP domain is the same on a default install.
  const meetHost = server.baseUrl ? new URL(server.baseUrl).hostname : server.xmppDomain;
  const ownerParty = options.ownerParty !== false;
  const contrib = [...(ownerParty ? ['token_owner_party'] : []), ...(server.lobbyBypass ? ['token_lobby_bypass'] : [])];
  const ownerPartyWhy =
    'token_owner_party keeps a room closed until its organizer is in, so students cannot open rooms, and ends the meeting for everyone about 60 seconds (party_check_timeout) after the last owner left';
  const sections: SnippetSection[] = [
    {
      id: 'docker',
      title: 'docker-jitsi-meet',
      comment: '#',
      file: '.env of docker-jitsi-meet (then: docker compose up -d)',
      lines: [
        { line: 'ENABLE_AUTH=1', why: 'Nobody enters a room without authenticating.' },
        { line: 'AUTH_TYPE=jwt', why: 'Authentication is by the token Moderato mints for each person and room.' },
        { line: `JWT_APP_ID=${server.appId}`, why: 'Prosody accepts only tokens whose "iss" is this app id.' },
        hs
          ? { line: `JWT_APP_SECRET=${secret}`, why: 'The shared secret both sides sign and check HS256 tokens with; keep it secret.' }
          : { line: `JWT_ASAP_KEYSERVER=${keyServer}`, why: 'Prosody fetches Moderato\'s public keys here (by the token\'s "kid") to check RS256 signatures.' },
        { line: `JWT_ACCEPTED_AUDIENCES=${server.audience}`, why: 'Prosody accepts only tokens whose "aud" is this audience.' },
        {
          line: `XMPP_MUC_MODULES=${modules}`,
          why:
            "token_affiliation makes the token's owner/moderator the room's moderator and everyone else a plain member" +
            (ownerParty ? `; ${ownerPartyWhy}` : '') +
            (server.lobbyBypass ? '; token_lobby_bypass (contrib) lets invited members skip the lobby, guests still wait.' : '.'),
        },
        { line: 'ENABLE_AUTO_OWNER=0', why: 'Otherwise Jicofo makes whoever enters first a moderator, whatever the token says.' },
        { line: 'JICOFO_ENABLE_AUTH=0', why: 'Jicofo must not grant owner rights by its own authentication either.' },
        { line: 'JWT_ALLOW_EMPTY=0', why: 'A connection without a token is refused.' },
        { line: 'ENABLE_GUESTS=0', why: 'No anonymous guest domain: nobody joins a room without a token of their own.' },
      ],
    },
    {
      id: 'prosody',
      title: 'Prosody (Debian/Ubuntu install without docker)',
      comment: '--',
      file: `/etc/prosody/conf.avail/${server.xmppDomain}.cfg.lua (then: systemctl restart prosody)`,
      lines: [
        { line: `VirtualHost ${luaString(server.xmppDomain)}`, why: 'The XMPP domain: it must equal the token\'s "sub".' },
        { line: '    authentication = "token"', why: 'Users of this host authenticate with a JWT.' },
        { line: `    app_id = ${luaString(server.appId)}`, why: 'Prosody accepts only tokens whose "iss" is this app id.' },
        hs
          ? { line: `    app_secret = ${luaString(secret)}`, why: 'The HS256 shared secret; keep it secret.' }
          : { line: `    asap_key_server = ${luaString(keyServer)}`, why: "Prosody fetches Moderato's public keys here to check RS256 signatures." },
        { line: `    asap_accepted_audiences = { ${luaString(server.audience)} }`, why: 'Prosody accepts only tokens whose "aud" is this audience.' },
        { line: '    allow_empty_token = false', why: 'A connection without a token is refused.' },
        { line: `Component ${luaString(`conference.${server.xmppDomain}`)} "muc"`, why: 'The conference (MUC) component of the same host.' },
        {
          line: `    modules_enabled = { "token_verification"; "token_affiliation";${contrib.map((name) => ` "${name}";`).join('')} }`,
          why:
            "Checks the token's room on entry and turns its affiliation into moderator rights" +
            (ownerParty ? `; ${ownerPartyWhy}` : '') +
            '. Add these to the modules the component already lists' +
            (contrib.length ? ` (${contrib.join(' and ')} only after installing ${contrib.length === 1 ? 'it' : 'them'} as above).` : '.'),
        },
      ],
    },
    {
      id: 'jicofo',
      title: 'Jicofo (Debian/Ubuntu install without docker)',
      comment: '#',
      file: '/etc/jitsi/jicofo/jicofo.conf (then: systemctl restart jicofo)',
      lines: [
        { line: 'jicofo.conference.enable-auto-owner = false', why: 'Otherwise Jicofo makes whoever enters first a moderator, whatever the token says.' },
        { line: 'jicofo.authentication.enabled = false', why: 'Jicofo must not grant owner rights by its own authentication either.' },
      ],
    },
    {
      id: 'meet',
      title: 'Jitsi Meet (Debian/Ubuntu install without docker)',
      comment: '//',
      file: `/etc/jitsi/meet/${meetHost}-config.js (read by the browser at the next page load)`,
      lines: [
        {
          line: `// anonymousdomain: 'guest.${server.xmppDomain}',`,
          why: `Keep anonymousdomain commented out (or delete it), and remove a VirtualHost "guest.${server.xmppDomain}" with authentication = "anonymous" from the Prosody file if there is one: no guest domain, so nobody joins a room without a token of their own.`,
        },
      ],
    },
  ];
  if (contrib.length) {
    // Between docker and the Prosody file: a Debian install needs the contrib plugins first.
    sections.splice(1, 0, {
      id: 'plugins',
      title: 'Prosody plugins from jitsi-contrib (Debian/Ubuntu install without docker)',
      comment: '#',
      file: `A shell on the Jitsi server, as root: Debian's jitsi-meet packages do not ship ${contrib.join(' or ')}; they come from the jitsi-contrib/prosody-plugins project`,
      lines: contrib.map((name) => ({
        line: `wget -O ${DEBIAN_PLUGIN_DIR}/mod_${name}.lua ${CONTRIB_PLUGIN(name)}`,
        why:
          name === 'token_owner_party'
            ? 'Installs token_owner_party; without it Prosody does not load the module and invitees can open rooms before their organizer.'
            : 'Installs token_lobby_bypass; without it invited members wait in the lobby like guests.',
      })),
    });
  }
  return sections;
}

/** The snippets as one text file, each line preceded by its explanation. */
export function snippetsAsText(sections: SnippetSection[], serverName: string): string {
  const out = [`# Jitsi configuration for "${serverName}", generated by Moderato.`, ''];
  for (const section of sections) {
    const { comment } = section;
    out.push(`${comment} ===== ${section.title}`, `${comment} File: ${section.file}`, '');
    for (const { line, why } of section.lines) out.push(`${comment} ${why}`, line, '');
  }
  return out.join('\n');
}

/**
 * HS256: the lines of the snippets that carry the shared secret (docker's JWT_APP_SECRET, the
 * Prosody file's app_secret): what changes on the Jitsi side when the secret is rotated.
 */
export function secretLines(
  server: Parameters<typeof jitsiConfigSnippets>[0],
  publicUrl: string,
  secret: string,
): { section: SnippetSection['id']; file: string; line: string }[] {
  return jitsiConfigSnippets(server, publicUrl, { secret })
    .flatMap((section) => section.lines.map((line) => ({ section: section.id, file: section.file, line: line.line.trim() })))
    .filter((entry) => /^(JWT_APP_SECRET=|app_secret = )/.test(entry.line));
}
