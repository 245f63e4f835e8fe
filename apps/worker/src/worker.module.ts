import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig, ConfigModule } from '@moderato/config';
import { CoreModule } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { JobsModule, QUEUES } from '@moderato/jobs';
import { LoggingModule } from '@moderato/logging';
import { MAIL_CONCURRENCY, MailModule, type MailModuleOptions } from '@moderato/mail';
import { SCHEMA } from '@moderato/schema';
import { HealthProcessor } from './health.processor';

export interface WorkerModuleOptions {
  config?: AppConfig;
  logDestination?: DestinationStream;
  /** Mail delivery tuning (tests shorten retry delays and the relay's poll interval). */
  mail?: MailModuleOptions;
}

/** The worker: queue processors only, no HTTP. Migrations are the api's job. */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot({ config: options.config }),
        CoreModule.forRoot(),
        LoggingModule.forRoot({ destination: options.logDestination }),
        // Each mail job holds a connection (its outbox row locked) while SMTP accepts the message.
        DatabaseModule.forRoot(SCHEMA, { poolSize: MAIL_CONCURRENCY + 4 }),
        JobsModule.forRoot([QUEUES.health, QUEUES.mail]),
        // Mail: the outbox relay (polling loop, safe in every worker) and the mail processor.
        MailModule.forRoot(options.mail),
      ],
      providers: [HealthProcessor],
    };
  }
}
