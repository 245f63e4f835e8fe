import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@moderato/core';
import { JitsiServersService } from '@moderato/jitsi';

/**
 * The ASAP key server Prosody reads RS256 public keys from:
 * `<asap_key_server>/<hex(sha256(kid))>.pem`, SPKI PEM, 200 — or 404 for an unknown key.
 */
@ApiExcludeController()
@Public()
@Controller('asap')
export class AsapController {
  constructor(private readonly servers: JitsiServersService) {}

  @Get(':serverId/:file')
  async publicKey(@Param('serverId') serverId: string, @Param('file') file: string, @Res() res: Response): Promise<void> {
    const hash = /^([0-9a-f]{64})\.pem$/.exec(file)?.[1];
    const pem = hash ? await this.servers.publicKeyPem(serverId, hash) : null;
    if (!pem) throw new NotFoundException('Unknown key');
    // A key never changes under its kid (rotation makes a new kid), so it may be cached.
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('application/x-pem-file').send(pem);
  }
}
