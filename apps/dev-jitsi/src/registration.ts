import { SYSTEM_KEY_PATH, mucDomainOf, type JitsiServer, type JitsiServersService } from '@moderato/jitsi';
import type { JitsiHostSettings } from './judge';

export const DEV_SERVER_NAME = 'Development Jitsi (stand-in)';
const ACTOR = { id: null, label: 'dev-jitsi (npm run dev)' };

/**
 * The Jitsi server Moderato knows the stand-in as: found by its base URL, or registered once
 * (HS256 with a generated secret kept sealed like any server's; or, as `npm run dev` asks, RS256
 * with Moderato's rotating keys and the stand-in's own address as Prosody HTTP base, so End
 * meeting works). Returns what the stand-in's "Prosody" must be configured with to accept that
 * server's tokens and system tokens.
 */
export async function ensureDevServer(
  servers: JitsiServersService,
  baseUrl: string,
  publicUrl: string,
  options: { signingMode?: 'HS256' | 'RS256' } = {},
): Promise<{ server: JitsiServer; settings: JitsiHostSettings; created: boolean }> {
  let server = (await servers.list()).find((candidate) => candidate.baseUrl === baseUrl);
  let secret: string | undefined;
  let created = false;
  if (!server) {
    ({ server, secret } = await servers.create(
      {
        name: DEV_SERVER_NAME,
        baseUrl,
        xmppDomain: 'meet.jitsi',
        appId: 'moderato',
        audience: 'jitsi',
        signingMode: options.signingMode ?? 'HS256',
        // The stand-in answers muc_end_meeting's POST /end-meeting on its own address.
        prosodyHttpUrl: baseUrl,
        mucDomain: 'conference.meet.jitsi',
      },
      ACTOR,
    ));
    created = true;
  } else if (server.signingMode === 'HS256') {
    secret = await servers.revealSecret(server.id, ACTOR);
  }
  const moderato = publicUrl.replace(/\/+$/, '');
  const settings: JitsiHostSettings = {
    domain: server.xmppDomain,
    mucDomain: mucDomainOf(server),
    systemKeyServer: `${moderato}${SYSTEM_KEY_PATH}`,
    appId: server.appId,
    acceptedAudiences: [server.audience],
    ...(server.signingMode === 'HS256' ? { appSecret: secret } : { asapKeyServer: `${moderato}/asap/${server.id}` }),
  };
  return { server, settings, created };
}
