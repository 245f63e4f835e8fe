import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@moderato/core';
import { JitsiServersService, SystemKeysService } from '@moderato/jitsi';

const kidHashOf = (file: string) => /^([0-9a-f]{64})\.pem$/.exec(file)?.[1];

/**
 * The key servers Prosody reads RS256 public keys from, as `<key URL>/<hex(sha256(kid))>.pem`
 * (SPKI PEM, 200 — or 404 for an unknown key):
 * - login keys of a server at `/asap/<serverId>` (asap_key_server);
 * - the SYSTEM keys at `/asap/system` (prosody_password_public_key_repo_url, muc_end_meeting).
 * Each URL serves only its own kind: a login key is never found at the system URL and a system
 * key never at a login URL, so a login token cannot end a meeting.
 */
@ApiExcludeController()
@Public()
@Controller('asap')
export class AsapController {
  constructor(
    private readonly servers: JitsiServersService,
    private readonly systemKeys: SystemKeysService,
  ) {}

  // Registered before ':serverId/:file': "system" is no server id.
  @Get('system/:file')
  async systemKey(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const hash = kidHashOf(file);
    this.send(res, hash ? await this.systemKeys.publicKeyPem(hash) : null);
  }

  @Get(':serverId/:file')
  async publicKey(@Param('serverId') serverId: string, @Param('file') file: string, @Res() res: Response): Promise<void> {
    const hash = kidHashOf(file);
    this.send(res, hash ? await this.servers.publicKeyPem(serverId, hash) : null);
  }

  private send(res: Response, pem: string | null): void {
    if (!pem) throw new NotFoundException('Unknown key');
    // A key never changes under its kid (rotation makes a new kid), so it may be cached.
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('application/x-pem-file').send(pem);
  }
}
