// Mail delivery: templates, iCalendar, SMTP transport, outbox relay and processor.
export { buildIcs, icsUid, type IcsMeeting, type IcsOptions } from './ics';
export { buildFeed, type FeedEntry, type FeedOptions } from './feed';
export { escapeHtml, formatWhen, renderMail, type RenderMailInput, type RenderedMail } from './templates';
export { MailTransport, describeMailError, isPermanentMailError, smtpOptionsFromUrl } from './mail-transport';
export {
  MAIL_CONCURRENCY,
  MAIL_LOCK_MS,
  MAIL_STALLED_CHECK_MS,
  MAIL_OPTIONS,
  resolveMailOptions,
  type MailJob,
  type MailJobResult,
  type MailModuleOptions,
  type ResolvedMailOptions,
} from './mail.options';
export { OutboxRelayService } from './outbox-relay.service';
export { MailProcessor, OUTBOX_ID_HEADER } from './mail.processor';
export { MailModule } from './mail.module';
export { ReminderTopUpService } from './reminder-top-up.service';
