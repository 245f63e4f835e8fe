import type { JitsiServer } from './jitsi-server.entity';
import type { SnippetSection } from './config-snippets';

/**
 * What Jitsi needs to enforce the participant features Moderato mints into tokens
 * (context.features; docs/jitsi.md, "What participants may do"). The web app reads them by itself;
 * the server refuses a recording, a stream, subtitles or a phone call to a token that says false
 * only with jitsi-meet's own filter_iq_jibri and filter_iq_rayo on the main VirtualHost.
 */
export function participantFeatureSnippets(server: Pick<JitsiServer, 'xmppDomain'>): SnippetSection[] {
  const why =
    'filter_iq_jibri refuses starting a recording or live stream, filter_iq_rayo subtitles and phone calls, to anyone whose token says false (context.features); the Jitsi web app hides the buttons on its own, but only these make the server refuse.';
  return [
    {
      id: 'features-docker',
      title: 'What participants may do: docker-jitsi-meet',
      comment: '#',
      file: '.env of docker-jitsi-meet (then: docker compose up -d); add the two names to XMPP_MODULES if it already lists others',
      lines: [{ line: 'XMPP_MODULES=filter_iq_jibri,filter_iq_rayo', why }],
    },
    {
      id: 'features-prosody',
      title: 'What participants may do: Prosody (Debian/Ubuntu install without docker)',
      comment: '--',
      file: `/etc/prosody/conf.avail/${server.xmppDomain}.cfg.lua, in VirtualHost "${server.xmppDomain}" (then: systemctl restart prosody)`,
      lines: [
        {
          line: '    modules_enabled = { "filter_iq_jibri"; "filter_iq_rayo"; }',
          why: `${why} Add the two names to the modules the VirtualHost already lists.`,
        },
      ],
    },
  ];
}
