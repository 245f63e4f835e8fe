import { Injectable } from '@nestjs/common';
import { Clock } from '@moderato/core';
import { JitsiServersService, inspectToken } from '@moderato/jitsi';
import type { InspectTokenDto } from './dto/inspect-token.dto';

/** Runs the inspector against a registered server's settings and keys. */
@Injectable()
export class TokenInspector {
  constructor(
    private readonly servers: JitsiServersService,
    private readonly clock: Clock,
  ) {}

  async inspect(dto: InspectTokenDto) {
    const server = dto.serverId ? await this.servers.get(dto.serverId) : undefined;
    const key = server ? await this.servers.verificationKey(server) : undefined;
    const inspection = await inspectToken(dto.token, {
      server: server ? { appId: server.appId, audience: server.audience, xmppDomain: server.xmppDomain } : undefined,
      key,
      now: this.clock.now(),
      allowedAlgs: server ? [server.signingMode] : undefined,
    });
    return { server, inspection };
  }
}
