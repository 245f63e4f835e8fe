import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { JoinService } from './join.service';
import { LinkCodes } from './link-codes';
import { MeetingsService } from './meetings.service';
import { OUTBOX_EXPORTS, OUTBOX_PROVIDERS } from './outbox/outbox.providers';

@Module({
  imports: [AuditModule, JitsiModule, PolicyModule],
  providers: [MeetingsService, LinkCodes, JoinService, ...OUTBOX_PROVIDERS],
  exports: [MeetingsService, LinkCodes, JoinService, ...OUTBOX_EXPORTS],
})
export class MeetingsModule {}
