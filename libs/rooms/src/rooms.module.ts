import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { RoomsService } from './rooms.service';

@Module({
  imports: [AuditModule, JitsiModule, PolicyModule],
  providers: [RoomsService],
  exports: [RoomsService],
})
export class RoomsModule {}
