import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigModule, loadConfigOrExit } from '@moderato/config';
import { CoreModule, exitGracefullyOnSignals } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { JitsiEventsSecrets, JitsiModule, JitsiServersService } from '@moderato/jitsi';
import { SCHEMA } from '@moderato/schema';
import { startDevJitsi } from './dev-jitsi';
import { ensureDevServer } from './registration';

const say = (line = '') => process.stdout.write(`${line}\n`);

@Module({})
class DevJitsiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DevJitsiModule,
      imports: [ConfigModule.forRoot({ config }), CoreModule.forRoot(), DatabaseModule.forRoot(SCHEMA, { retryAttempts: 3 }), JitsiModule],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.isProduction) {
    console.error('The development Jitsi stand-in (apps/dev-jitsi) refuses to start with NODE_ENV=production: register your real Jitsi Meet server instead.');
    process.exit(1);
  }
  const baseUrl = config.devJitsi.url;
  const quiet = new AppConfig({ ...config, jitsiBootstrap: undefined });
  const app = await NestFactory.createApplicationContext(DevJitsiModule.forRoot(quiet), { logger: ['error', 'warn'], abortOnError: false });
  let registered: Awaited<ReturnType<typeof ensureDevServer>>;
  let events: { apiPrefix: string; secret: string };
  try {
    // RS256: End meeting needs it (an HS256 host refuses every system token).
    registered = await ensureDevServer(app.get(JitsiServersService), baseUrl, config.publicUrl, { signingMode: 'RS256' });
    // Presence events as Jitsi's event_sync component sends them: a fresh secret at each start.
    events = await app.get(JitsiEventsSecrets).rotate(registered.server.id, { id: null, label: 'dev-jitsi (npm run dev)' });
  } finally {
    await app.close();
  }
  const { hostname, port } = new URL(baseUrl);
  const host = config.devJitsi.host ?? (hostname === 'localhost' ? '127.0.0.1' : hostname.replace(/^\[|\]$/g, ''));
  const jitsi = await startDevJitsi({ settings: registered.settings, port: Number(port), host, events });
  exitGracefullyOnSignals(jitsi, config.shutdownTimeoutMs, (message) => say(`dev-jitsi: ${message}`));
  say('Moderato development Jitsi stand-in — for development and tests only, never production.');
  say(
    `Base URL   ${baseUrl} (${registered.created ? 'registered now' : 'registered'} as Jitsi server "${registered.server.name}", ${registered.server.signingMode})`,
  );
  say(`Presence   joins and leaves posted as event_sync would, to ${events.apiPrefix}/events/…`);
  say(`Judges     tokens as Prosody with token authentication and token_affiliation would; who is in which room: ${baseUrl}/`);
  say(`Ends       meetings as muc_end_meeting does: POST ${baseUrl}/end-meeting with a system token (keys at ${registered.settings.systemKeyServer})`);
}

main().catch((error: unknown) => {
  console.error('Moderato development Jitsi stand-in failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
