import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { RoomsService } from './rooms.service';

@Module({
  imports: [AuditModule, JitsiModule],
  providers: [RoomsService],
  exports: [RoomsService],
})
export class RoomsModule {}
