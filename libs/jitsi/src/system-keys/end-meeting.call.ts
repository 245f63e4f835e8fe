import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import type { JitsiServer } from '../jitsi-server.entity';
import { EndMeetingNeedsRs256, EndMeetingNotConfigured, ProsodyRefusedSystemToken, ProsodyUnreachable } from '../jitsi.errors';
import { mintSystemToken } from '../token/mint-system-token';
import { SystemKeysService } from './system-keys.service';

/** How long Moderato waits for Prosody's answer. */
export const END_MEETING_TIMEOUT_MS = 5_000;

/** Whether a server can end meetings: RS256 and a Prosody HTTP base URL. */
export type EndMeetingSupport = 'ready' | 'needs_rs256' | 'not_configured';

export function endMeetingSupport(server: Pick<JitsiServer, 'signingMode' | 'prosodyHttpUrl'>): EndMeetingSupport {
  if (server.signingMode !== 'RS256') return 'needs_rs256';
  return server.prosodyHttpUrl ? 'ready' : 'not_configured';
}

/** The rooms' MUC domain: as set, else docker-jitsi-meet's muc.meet.jitsi, else a Debian install's conference.<xmpp domain>. */
export const mucDomainOf = (server: Pick<JitsiServer, 'xmppDomain' | 'mucDomain'>) =>
  server.mucDomain ?? (server.xmppDomain === 'meet.jitsi' ? 'muc.meet.jitsi' : `conference.${server.xmppDomain}`);

/** The room's JID as muc_end_meeting wants it: `<room>@<MUC domain>`, the room in lower case. */
export const conferenceJid = (server: Pick<JitsiServer, 'xmppDomain' | 'mucDomain'>, room: string) => `${room.toLowerCase()}@${mucDomainOf(server)}`;

/**
 * Jitsi's own `muc_end_meeting` module: `POST <Prosody HTTP base>/end-meeting?conference=<room JID>`
 * with a system token. 200 → the room was closed; 404 → no such room (nobody in it); 401 → the
 * token was refused; anything else, or no answer, is ProsodyUnreachable. Never a 500.
 */
@Injectable()
export class EndMeetingCall {
  constructor(
    private readonly keys: SystemKeysService,
    private readonly clock: Clock,
  ) {}

  async end(server: JitsiServer, room: string): Promise<'ended' | 'not_running'> {
    const support = endMeetingSupport(server);
    if (support === 'needs_rs256') throw new EndMeetingNeedsRs256();
    if (support === 'not_configured' || !server.prosodyHttpUrl) throw new EndMeetingNotConfigured();
    const { token } = await mintSystemToken({ server, key: await this.keys.signingKey(), room, now: this.clock.now() });
    const base = server.prosodyHttpUrl.replace(/\/+$/, '');
    const url = `${base}/end-meeting?conference=${encodeURIComponent(conferenceJid(server, room))}`;
    let status: number;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        redirect: 'manual',
        signal: AbortSignal.timeout(END_MEETING_TIMEOUT_MS),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${END_MEETING_TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new ProsodyUnreachable(base, `${reason} (is the Prosody HTTP base URL right and reachable from Moderato?)`);
    }
    if (status >= 200 && status < 300) return 'ended';
    if (status === 404) return 'not_running';
    if (status === 401 || status === 403) throw new ProsodyRefusedSystemToken();
    throw new ProsodyUnreachable(base, `it answered HTTP ${status}, which muc_end_meeting never answers (is this Prosody's HTTP port?)`);
  }
}
