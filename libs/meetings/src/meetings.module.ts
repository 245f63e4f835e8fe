import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { LinkCodes } from './link-codes';
import { MeetingsService } from './meetings.service';

@Module({
  imports: [AuditModule],
  providers: [MeetingsService, LinkCodes],
  exports: [MeetingsService, LinkCodes],
})
export class MeetingsModule {}
