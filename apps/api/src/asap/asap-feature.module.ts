import { Module } from '@nestjs/common';
import { JitsiModule } from '@moderato/jitsi';
import { AsapController } from './asap.controller';

/** The public keys Jitsi's Prosody fetches to check RS256 tokens (asap_key_server). */
@Module({
  imports: [JitsiModule],
  controllers: [AsapController],
})
export class AsapFeatureModule {}
