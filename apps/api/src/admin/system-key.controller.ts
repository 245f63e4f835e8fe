import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { SystemKeysService } from '@moderato/jitsi';
import { actorOf } from '../common/actor';

/** The SYSTEM key pair of End meeting (muc_end_meeting): its URL, its current kid, rotation. */
@ApiTags('servers')
@ApiCookieAuth()
@RequireRoles('admin')
@ApiBearerAuth()
@TokenScope('admin')
@Controller('api/v1/admin/system-key')
export class SystemKeyController {
  constructor(private readonly systemKeys: SystemKeysService) {}

  @Get()
  @ApiOperation({ summary: "The system key URL (Prosody's prosody_password_public_key_repo_url) and the published system keys" })
  async show() {
    const keys = await this.systemKeys.publishedKeys();
    return {
      keyUrl: this.systemKeys.keyUrl(),
      keys: keys.map((key) => ({ kid: key.kid, url: `${this.systemKeys.keyUrl()}/${key.kidHash}.pem`, createdAt: key.createdAt, retiredAt: key.retiredAt })),
    };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign system tokens with a new key (new kid); the previous public key stays published ten minutes. Audited.' })
  @ApiOkResponse({ description: 'The new kid' })
  async rotate(@Req() req: Request) {
    const key = await this.systemKeys.rotate(actorOf(req));
    return { kid: key.kid, createdAt: key.createdAt };
  }
}
