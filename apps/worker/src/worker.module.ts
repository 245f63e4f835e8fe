import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { AppConfig, ConfigModule } from '@moderato/config';
import { CoreModule } from '@moderato/core';
import { DatabaseModule } from '@moderato/database';
import { JobsModule, QUEUES } from '@moderato/jobs';
import { LoggingModule } from '@moderato/logging';
import { MAIL_CONCURRENCY, MailModule, type MailModuleOptions } from '@moderato/mail';
import { AutoEndModule, PrivacyModule } from '@moderato/meetings';
import { SCHEMA } from '@moderato/schema';
import { AUTO_END_OPTIONS, AutoEndJob, type AutoEndOptions } from './auto-end.job';
import { HealthProcessor } from './health.processor';
import { LIVENESS_OPTIONS, LivenessService, type LivenessOptions } from './liveness.service';
import { RETENTION_OPTIONS, RetentionJob, type RetentionOptions } from './retention.job';

export interface WorkerModuleOptions {
  config?: AppConfig;
  logDestination?: DestinationStream;
  /** Mail delivery tuning (tests shorten retry delays and the relay's poll interval). */
  mail?: MailModuleOptions;
  /** Heartbeat and health checks (tests check more often). */
  liveness?: LivenessOptions;
  /** The retention pass (tests turn the timer off and run it themselves). */
  retention?: RetentionOptions;
  /** The automatic end of meetings (tests turn the timer off and run it themselves). */
  autoEnd?: AutoEndOptions;
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
        // No query hangs a job: a statement gets 30 s (a dead connection is noticed, not waited on).
        DatabaseModule.forRoot(SCHEMA, { poolSize: MAIL_CONCURRENCY + 4, queryTimeoutMs: 30_000 }),
        JobsModule.forRoot([QUEUES.health, QUEUES.mail]),
        // Mail: the outbox relay (polling loop, safe in every worker) and the mail processor.
        MailModule.forRoot(options.mail),
        DiscoveryModule,
        // Personal data's retention (issue 18): ended sessions, old audit events, old invitations.
        PrivacyModule,
        // End meeting at the scheduled end + grace, where the policy or the meeting asks for it (issue 21).
        AutoEndModule,
      ],
      providers: [
        HealthProcessor,
        { provide: LIVENESS_OPTIONS, useValue: options.liveness ?? {} },
        LivenessService,
        { provide: RETENTION_OPTIONS, useValue: options.retention ?? {} },
        RetentionJob,
        { provide: AUTO_END_OPTIONS, useValue: options.autoEnd ?? {} },
        AutoEndJob,
      ],
    };
  }
}
