import type { AppConfig } from '@moderato/config';
import type { JitsiServer } from '@moderato/jitsi';
import { ok, warn, type Report } from './check';

/**
 * Presence events (Jitsi's event_sync component): the server has an events secret, else its
 * meetings show "Link used" only, no attendance and nobody "in the room now". A warning, not a
 * failure: joining works without it.
 */
export function checkEventsSecret(config: AppConfig, server: JitsiServer, report: Report): void {
  const at = { server: server.name };
  if (server.eventsSecretHash) {
    report(
      ok(
        'jitsi.events-secret',
        `Jitsi "${server.name}": presence events (event_sync) have a secret (set ${server.eventsSecretSetAt?.toISOString() ?? ''}); they post to ${config.publicUrl}/jitsi/${server.id}/events/…`,
        at,
      ),
    );
    return;
  }
  report(
    warn(
      'jitsi.events-secret',
      `Jitsi "${server.name}": no events secret for presence events (event_sync): no attendance, nobody shown "in the room now", "Joined" means "link used"`,
      `Create one on the server's page (/admin/servers/${server.id}/events-secret) or with POST /api/v1/admin/servers/${server.id}/events-secret, then add the event_sync Component it shows to Prosody (docs/jitsi.md, "Presence events (event_sync)").`,
      at,
    ),
  );
}
