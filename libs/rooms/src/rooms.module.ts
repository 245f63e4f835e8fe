import { Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PolicyModule } from '@moderato/policy';
import { RoomsService } from './rooms.service';
import { RoomsStore } from './rooms.store';

@Module({
  imports: [AuditModule, JitsiModule, PolicyModule],
  providers: [RoomsStore, RoomsService],
  exports: [RoomsService],
})
export class RoomsModule {}
