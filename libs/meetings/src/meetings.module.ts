import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { JoinService } from './join.service';
import { LinkCodes } from './link-codes';
import { MeetingsService } from './meetings.service';

@Module({
  imports: [AuditModule, JitsiModule, PolicyModule],
  providers: [MeetingsService, LinkCodes, JoinService],
  exports: [MeetingsService, LinkCodes, JoinService],
})
export class MeetingsModule {}
