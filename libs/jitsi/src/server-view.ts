import type { JitsiServer } from './jitsi-server.entity';

/**
 * What the REST API and `moderato server list --json` show of a server: its settings, never its
 * secret or private key.
 */
export function serverView(server: JitsiServer) {
  return {
    id: server.id,
    name: server.name,
    baseUrl: server.baseUrl,
    xmppDomain: server.xmppDomain,
    appId: server.appId,
    audience: server.audience,
    signingMode: server.signingMode,
    enabled: server.enabled,
    lobbyBypass: server.lobbyBypass,
    prosodyHttpUrl: server.prosodyHttpUrl,
    mucDomain: server.mucDomain,
    allowedOrganizerRoles: server.allowedOrganizerRoles,
    eventsSecretSet: server.eventsSecretHash !== null,
    createdAt: server.createdAt,
    updatedAt: server.updatedAt,
  };
}
