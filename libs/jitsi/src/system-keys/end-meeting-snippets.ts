import { luaString, type SnippetLine } from '../config-snippets';
import type { JitsiServer } from '../jitsi-server.entity';

export interface EndMeetingSnippet {
  id: 'docker' | 'debian';
  title: string;
  file: string;
  comment: '#' | '--';
  lines: SnippetLine[];
}

/**
 * The Prosody lines for End meeting (Jitsi's muc_end_meeting, shipped with jitsi-meet's Prosody
 * plugins): the module loaded globally and Moderato's SYSTEM key URL as
 * prosody_password_public_key_repo_url. The host keeps its RS256 login configuration.
 */
export function endMeetingSnippets(server: Pick<JitsiServer, 'xmppDomain'>, systemKeyUrl: string): EndMeetingSnippet[] {
  const keyUrl = `prosody_password_public_key_repo_url = ${luaString(systemKeyUrl)}`;
  return [
    {
      id: 'docker',
      title: 'docker-jitsi-meet',
      file: '.env (then: docker compose up -d prosody)',
      comment: '#',
      lines: [
        {
          line: 'GLOBAL_MODULES=muc_end_meeting',
          why: 'Loads muc_end_meeting (in the image) globally; append it, comma-separated, to a GLOBAL_MODULES you already have.',
        },
        { line: `GLOBAL_CONFIG=${keyUrl};`, why: "Where Prosody fetches Moderato's system public keys (never the login keys)." },
      ],
    },
    {
      id: 'debian',
      title: 'Debian / Ubuntu (jitsi-meet packages)',
      file: '/etc/prosody/prosody.cfg.lua, global section (then: systemctl restart prosody)',
      comment: '--',
      lines: [
        { line: '"muc_end_meeting";', why: 'Add to the global modules_enabled list (the module is in /usr/share/jitsi-meet/prosody-plugins).' },
        { line: `${keyUrl};`, why: "Global, before any VirtualHost: where Prosody fetches Moderato's system public keys." },
        {
          line: `muc_mapper_domain_base = ${luaString(server.xmppDomain)};`,
          why: 'Usually set already by the Jitsi install: the module serves /end-meeting on this host.',
        },
      ],
    },
  ];
}
