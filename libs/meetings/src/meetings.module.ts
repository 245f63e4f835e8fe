import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { JoinService } from './join.service';
import { LinkCodes } from './link-codes';
import { MeetingsService } from './meetings.service';

@Module({
  imports: [AuditModule, JitsiModule],
  providers: [MeetingsService, LinkCodes, JoinService],
  exports: [MeetingsService, LinkCodes, JoinService],
})
export class MeetingsModule {}
