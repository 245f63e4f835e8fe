import { Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '@moderato/config';
import { QUEUES } from '@moderato/jobs';
import { LinkCodes, MeetingsModule } from '@moderato/meetings';
import { PolicyModule } from '@moderato/policy';
import { MailTransport } from './mail-transport';
import { MAIL_OPTIONS, resolveMailOptions, type MailModuleOptions } from './mail.options';
import { MailProcessor } from './mail.processor';
import { OutboxRelayService } from './outbox-relay.service';
import { ReminderTopUpService } from './reminder-top-up.service';

/**
 * Mail delivery for the worker: the outbox relay (polling loop) and the `mail` queue processor.
 * Needs ConfigModule, DatabaseModule and JobsModule.forRoot([..., QUEUES.mail]) in the application.
 */
@Module({})
export class MailModule {
  static forRoot(options: MailModuleOptions = {}): DynamicModule {
    return {
      module: MailModule,
      // The Redis connection comes from JobsModule.forRoot(), which the application imports once.
      imports: [BullModule.registerQueue({ name: QUEUES.mail }), PolicyModule, MeetingsModule],
      providers: [
        { provide: MAIL_OPTIONS, inject: [AppConfig], useFactory: (config: AppConfig) => resolveMailOptions(options, config.mail.retryHours) },
        MailTransport,
        LinkCodes,
        OutboxRelayService,
        MailProcessor,
        ReminderTopUpService,
      ],
      exports: [MailTransport, OutboxRelayService, ReminderTopUpService],
    };
  }
}
