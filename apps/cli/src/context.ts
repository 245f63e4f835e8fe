import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@moderato/config';
import { CoreModule } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { IdentityModule } from '@moderato/identity';
import { JitsiModule } from '@moderato/jitsi';
import { WorkerHeartbeatsModule } from '@moderato/jobs';
import { MeetingsModule, PrivacyModule } from '@moderato/meetings';
import { RoomsModule } from '@moderato/rooms';
import { SCHEMA } from '@moderato/schema';

/** The libs an operator command uses, wired as in the api, without HTTP, queues or migrations at boot. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot({ config }),
        CoreModule.forRoot(),
        DatabaseModule.forRoot(SCHEMA, { retryAttempts: 1 }),
        JitsiModule,
        IdentityModule,
        WorkerHeartbeatsModule,
        MeetingsModule,
        PrivacyModule,
        // Deleting a person removes them from the rooms' access lists (meetings' PRIVACY_ROOM_ACCESS).
        RoomsModule,
      ],
    };
  }
}

/**
 * Runs `fn` inside a Nest application context of CliModule and closes it afterwards. The
 * configuration's JITSI_URL bootstrap is left out: a command never creates a server as a side effect.
 */
export async function withAppContext<T>(config: AppConfig, fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const quiet = new AppConfig({ ...config, jitsiBootstrap: undefined });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(quiet), { logger: false, abortOnError: false });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
