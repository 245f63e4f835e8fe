import type { JitsiServer } from './jitsi-server.entity';

export interface SnippetLine {
  /** The exact line to paste. */
  line: string;
  /** One sentence: what it does. */
  why: string;
}

export interface SnippetSection {
  id: 'docker' | 'prosody' | 'jicofo';
  title: string;
  /** Where it goes. */
  file: string;
  lines: SnippetLine[];
}

export const SECRET_PLACEHOLDER = '<shared secret: press "Reveal secret" on the server page>';

/**
 * The Jitsi-side configuration for a server, filled in with its values, exactly as TOKENS.md
 * lists it: docker-jitsi-meet `.env` lines, the Prosody lines of a Debian install, and Jicofo's
 * auto-owner switch. Pass `secret` only after an admin revealed it.
 */
export function jitsiConfigSnippets(
  server: Pick<JitsiServer, 'id' | 'xmppDomain' | 'appId' | 'audience' | 'signingMode'> & { lobbyBypass?: boolean },
  publicUrl: string,
  options: { secret?: string; ownerParty?: boolean } = {},
): SnippetSection[] {
  const secret = options.secret ?? SECRET_PLACEHOLDER;
  const keyServer = `${publicUrl}/asap/${server.id}`;
  const modules = ['token_affiliation', ...(options.ownerParty === false ? [] : ['token_owner_party']), ...(server.lobbyBypass ? ['token_lobby_bypass'] : [])].join(',');
  const hs = server.signingMode === 'HS256';
  return [
    {
      id: 'docker',
      title: 'docker-jitsi-meet',
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
          why: 'token_affiliation makes the token\'s owner/moderator the room\'s moderator and everyone else a plain member; token_owner_party keeps a room closed until its organizer is in, so students cannot open rooms' + (server.lobbyBypass ? '; token_lobby_bypass (contrib) lets invited members skip the lobby, guests still wait.' : '.'),
        },
        { line: 'ENABLE_AUTO_OWNER=0', why: 'Otherwise Jicofo makes whoever enters first a moderator, whatever the token says.' },
        { line: 'JICOFO_ENABLE_AUTH=0', why: 'Jicofo must not grant owner rights by its own authentication either.' },
        { line: 'JWT_ALLOW_EMPTY=0', why: 'A connection without a token is refused.' },
      ],
    },
    {
      id: 'prosody',
      title: 'Prosody (Debian/Ubuntu install without docker)',
      file: `/etc/prosody/conf.avail/${server.xmppDomain}.cfg.lua (then: systemctl restart prosody)`,
      lines: [
        { line: `VirtualHost "${server.xmppDomain}"`, why: 'The XMPP domain: it must equal the token\'s "sub".' },
        { line: '    authentication = "token"', why: 'Users of this host authenticate with a JWT.' },
        { line: `    app_id = "${server.appId}"`, why: 'Prosody accepts only tokens whose "iss" is this app id.' },
        hs
          ? { line: `    app_secret = "${secret}"`, why: 'The HS256 shared secret; keep it secret.' }
          : { line: `    asap_key_server = "${keyServer}"`, why: 'Prosody fetches Moderato\'s public keys here to check RS256 signatures.' },
        { line: `    asap_accepted_audiences = { "${server.audience}" }`, why: 'Prosody accepts only tokens whose "aud" is this audience.' },
        { line: '    allow_empty_token = false', why: 'A connection without a token is refused.' },
        { line: `Component "conference.${server.xmppDomain}" "muc"`, why: 'The conference (MUC) component of the same host.' },
        {
          line: `    modules_enabled = { "token_verification"; "token_affiliation";${options.ownerParty === false ? '' : ' "token_owner_party";'}${server.lobbyBypass ? ' "token_lobby_bypass";' : ''} }`,
          why: 'Checks the token\'s room on entry, turns its affiliation into moderator rights, and (token_owner_party) keeps rooms closed until an owner is in. Add these to the modules the component already lists.',
        },
      ],
    },
    {
      id: 'jicofo',
      title: 'Jicofo (Debian/Ubuntu install without docker)',
      file: '/etc/jitsi/jicofo/jicofo.conf (then: systemctl restart jicofo)',
      lines: [
        { line: 'jicofo.conference.enable-auto-owner = false', why: 'Otherwise Jicofo makes whoever enters first a moderator, whatever the token says.' },
      ],
    },
  ];
}

/** The snippets as one text file, each line preceded by its explanation. */
export function snippetsAsText(sections: SnippetSection[], serverName: string): string {
  const out = [`# Jitsi configuration for "${serverName}", generated by Moderato.`, ''];
  for (const section of sections) {
    const comment = section.id === 'prosody' ? '--' : '#';
    out.push(`${comment} ===== ${section.title}`, `${comment} File: ${section.file}`, '');
    for (const { line, why } of section.lines) out.push(`${comment} ${why}`, line, '');
  }
  return out.join('\n');
}
