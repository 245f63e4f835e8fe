import { luaString } from './config-snippets';
import type { JitsiServer } from './jitsi-server.entity';

/** Where jitsi-contrib/prosody-plugins publishes the component (Jitsi does not ship it). */
export const EVENT_SYNC_PLUGIN_URL = 'https://raw.githubusercontent.com/jitsi-contrib/prosody-plugins/main/event_sync/mod_event_sync_component.lua';

/** Stands for the events secret where it is not shown (it is shown only once, when created). */
export const EVENTS_SECRET_PLACEHOLDER = '<events secret: shown once when you create it>';

export interface EventSyncSnippet {
  id: 'docker' | 'debian';
  title: string;
  /** Shell commands that install the component (run once). */
  install: string[];
  /** The file the Component block goes into. */
  file: string;
  /** The Prosody configuration lines, ready to paste. */
  lines: string[];
  /** The command that makes Prosody read them. */
  restart: string;
}

/**
 * The event_sync component for a server, for docker-jitsi-meet and for a Debian install: where to
 * get the module, the `Component` block (api_prefix and the bearer secret) and the restart.
 */
export function eventSyncSnippets(server: Pick<JitsiServer, 'id' | 'xmppDomain'>, publicUrl: string, secret?: string): EventSyncSnippet[] {
  const apiPrefix = `${publicUrl}/jitsi/${server.id}`;
  const bearer = `Bearer ${secret ?? EVENTS_SECRET_PLACEHOLDER}`;
  const block = (muc: string, breakout: string) => [
    `Component "event_sync.${server.xmppDomain}" "event_sync_component"`,
    `    muc_component = ${luaString(muc)}`,
    `    breakout_component = ${luaString(breakout)}`,
    // The module builds its default breakout host from this before reading breakout_component.
    `    muc_mapper_domain_base = ${luaString(server.xmppDomain)}`,
    `    api_prefix = ${luaString(apiPrefix)}`,
    `    api_headers = { ["Authorization"] = ${luaString(bearer)} }`,
    '    include_user_info = false',
    '    api_timeout = 10',
    '    api_retry_count = 5',
  ];
  return [
    {
      id: 'docker',
      title: 'docker-jitsi-meet',
      install: [
        'mkdir -p ~/.jitsi-meet-cfg/prosody/prosody-plugins-custom',
        `wget -O ~/.jitsi-meet-cfg/prosody/prosody-plugins-custom/mod_event_sync_component.lua ${EVENT_SYNC_PLUGIN_URL}`,
      ],
      file: '~/.jitsi-meet-cfg/prosody/config/conf.d/event_sync.cfg.lua',
      // docker-jitsi-meet's MUC is muc.<XMPP_DOMAIN> (XMPP_MUC_DOMAIN), its breakout MUC breakout.<XMPP_DOMAIN>.
      lines: block(`muc.${server.xmppDomain}`, `breakout.${server.xmppDomain}`),
      restart: 'docker compose restart prosody',
    },
    {
      id: 'debian',
      title: 'Debian / Ubuntu (jitsi-meet packages)',
      install: [`wget -O /usr/share/jitsi-meet/prosody-plugins/mod_event_sync_component.lua ${EVENT_SYNC_PLUGIN_URL}`],
      file: `/etc/prosody/conf.d/${server.xmppDomain}.cfg.lua (at the end)`,
      lines: block(`conference.${server.xmppDomain}`, `breakout.${server.xmppDomain}`),
      restart: 'systemctl restart prosody',
    },
  ];
}

/** The snippets as plain text (the server page's copy box, the docs). */
export function eventSyncAsText(snippet: EventSyncSnippet): string {
  return [...snippet.install.map((line) => `$ ${line}`), '', `-- ${snippet.file}`, ...snippet.lines, '', `$ ${snippet.restart}`].join('\n');
}
