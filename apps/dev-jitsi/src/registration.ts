import type { JitsiServer, JitsiServersService } from '@moderato/jitsi';
import type { JitsiHostSettings } from './judge';

export const DEV_SERVER_NAME = 'Development Jitsi (stand-in)';
const ACTOR = { id: null, label: 'dev-jitsi (npm run dev)' };

/**
 * The Jitsi server Moderato knows the stand-in as: found by its base URL, or registered once
 * (HS256, a generated secret kept sealed in the database like any server's). Returns what the
 * stand-in's "Prosody" must be configured with to accept that server's tokens.
 */
export async function ensureDevServer(
  servers: JitsiServersService,
  baseUrl: string,
  publicUrl: string,
): Promise<{ server: JitsiServer; settings: JitsiHostSettings; created: boolean }> {
  let server = (await servers.list()).find((candidate) => candidate.baseUrl === baseUrl);
  let secret: string | undefined;
  let created = false;
  if (!server) {
    ({ server, secret } = await servers.create(
      { name: DEV_SERVER_NAME, baseUrl, xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' },
      ACTOR,
    ));
    created = true;
  } else if (server.signingMode === 'HS256') {
    secret = await servers.revealSecret(server.id, ACTOR);
  }
  const settings: JitsiHostSettings = {
    domain: server.xmppDomain,
    appId: server.appId,
    acceptedAudiences: [server.audience],
    ...(server.signingMode === 'HS256' ? { appSecret: secret } : { asapKeyServer: `${publicUrl.replace(/\/+$/, '')}/asap/${server.id}` }),
  };
  return { server, settings, created };
}
