import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { AppConfig } from '@moderato/config';
import {
  CreateServerDto,
  JitsiEventsSecrets,
  JitsiServersService,
  RotateSecretDto,
  UpdateServerDto,
  eventSyncSnippets,
  secretLines,
  serverView,
} from '@moderato/jitsi';
import { actorOf } from '../common/actor';

@ApiTags('servers')
@ApiCookieAuth()
@RequireRoles('admin')
@ApiBearerAuth()
@TokenScope('admin')
@Controller(['api/v1/admin/servers', 'api/v1/servers'])
export class ServersController {
  constructor(
    private readonly servers: JitsiServersService,
    private readonly config: AppConfig,
    private readonly eventsSecrets: JitsiEventsSecrets,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List Jitsi servers' })
  async list() {
    return (await this.servers.list()).map(serverView);
  }

  @Post()
  @ApiOperation({ summary: 'Register a Jitsi server (HS256: the generated secret is returned once)' })
  async create(@Body() dto: CreateServerDto, @Req() req: Request) {
    const { server, secret } = await this.servers.create(dto, actorOf(req));
    return { ...serverView(server), ...(secret && !dto.secret ? { secret } : {}) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One Jitsi server' })
  async get(@Param('id') id: string) {
    return serverView(await this.servers.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a Jitsi server (not its signing mode)' })
  async update(@Param('id') id: string, @Body() dto: UpdateServerDto, @Req() req: Request) {
    return serverView(await this.servers.update(id, dto, actorOf(req)));
  }

  @Post(':id/rotate-key')
  @HttpCode(200)
  @ApiOperation({ summary: 'RS256: sign with a new key (new kid); the old public key stays served until its tokens expired' })
  @ApiOkResponse({ description: 'The new kid' })
  async rotate(@Param('id') id: string, @Req() req: Request) {
    const key = await this.servers.rotateKey(id, actorOf(req));
    return { kid: key.kid, createdAt: key.createdAt };
  }

  @Post(':id/reveal-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'HS256: the shared secret in clear (audited)' })
  async reveal(@Param('id') id: string, @Req() req: Request) {
    return { secret: await this.servers.revealSecret(id, actorOf(req)) };
  }

  @Post(':id/secret')
  @ApiOperation({
    summary: 'HS256: replace the shared secret (generated unless given); returned this once with the Jitsi lines that carry it (audited)',
  })
  @ApiCreatedResponse({ description: 'The new secret and the lines to put into Jitsi (docker .env, Debian Prosody)' })
  async rotateSecret(@Param('id') id: string, @Body() dto: RotateSecretDto, @Req() req: Request) {
    const { server, secret } = await this.servers.rotateSecret(id, actorOf(req), dto.secret);
    return { secret, jitsiLines: secretLines(server, this.config.publicUrl, secret) };
  }

  @Post(':id/events-secret')
  @ApiOperation({
    summary:
      "Create or replace the bearer secret of the server's event_sync Prosody component (presence events); returned this once with its api_prefix (audited without it)",
  })
  @ApiCreatedResponse({ description: 'apiPrefix, secret, and the Component block to paste (docker-jitsi-meet, Debian)' })
  async eventsSecret(@Param('id') id: string, @Req() req: Request) {
    const { apiPrefix, secret } = await this.eventsSecrets.rotate(id, actorOf(req));
    const server = await this.servers.get(id);
    return { apiPrefix, secret, prosody: eventSyncSnippets(server, this.config.publicUrl, secret) };
  }
}
