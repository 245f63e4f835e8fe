import { Global, Module } from '@nestjs/common';
import { AuditModule } from '@moderato/audit';
import { JitsiModule } from '@moderato/jitsi';
import { PRESENCE_ROOM_DIRECTORY, PRIVACY_ROOM_ACCESS } from '@moderato/meetings';
import { PolicyModule } from '@moderato/policy';
import { RoomsService } from './rooms.service';
import { RoomsStore } from './rooms.store';

/**
 * The rooms' store, and the same store as meetings' PRIVACY_ROOM_ACCESS (a deleted person leaves
 * the access lists) and PRESENCE_ROOM_DIRECTORY (presence events for permanent rooms are accepted). Global so that meetings' PrivacyModule sees it: rooms imports meetings, so
 * meetings cannot import rooms.
 */
@Global()
@Module({
  providers: [RoomsStore, { provide: PRIVACY_ROOM_ACCESS, useExisting: RoomsStore }, { provide: PRESENCE_ROOM_DIRECTORY, useExisting: RoomsStore }],
  exports: [RoomsStore, PRIVACY_ROOM_ACCESS, PRESENCE_ROOM_DIRECTORY],
})
class RoomsStoreModule {}

@Module({
  imports: [AuditModule, JitsiModule, PolicyModule, RoomsStoreModule],
  providers: [RoomsService],
  exports: [RoomsService],
})
export class RoomsModule {}
