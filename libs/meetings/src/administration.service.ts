import { Injectable } from '@nestjs/common';
import type { MailBacklog } from './outbox/mail-backlog.store';
import type { Meeting } from './meeting.entity';
import { MeetingsStore } from './meetings.store';
import { Outbox } from './outbox/outbox.service';

/** What the administration pages read about meetings and their mails. */
@Injectable()
export class MeetingsAdminService {
  constructor(
    private readonly meetings: MeetingsStore,
    private readonly outbox: Outbox,
  ) {}

  /** How many meetings a person organized, and the latest ones. */
  async organizedBy(userId: string, limit = 10): Promise<{ total: number; recent: Meeting[] }> {
    const [recent, total] = await this.meetings.organizedBy(userId, limit);
    return { total, recent };
  }

  /** Mails waiting for SMTP to work again (admin dashboard). */
  mailBacklog(): Promise<MailBacklog | undefined> {
    return this.outbox.mailBacklog();
  }
}
