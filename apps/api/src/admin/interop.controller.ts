import { Body, Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { JitsiInteropService, RecordInteropResultDto, type InteropTest, type JitsiServerCheck } from '@moderato/jitsi';
import { actorOf } from '../common/actor';

function checkView(check: JitsiServerCheck) {
  return {
    id: check.id,
    serverId: check.serverId,
    room: check.room,
    startedAt: check.startedAt,
    expiresAt: check.expiresAt,
    startedBy: check.startedByLabel,
    status: check.status,
    outcomes: check.outcomes,
    note: check.note,
    recordedAt: check.recordedAt,
    recordedBy: check.recordedByLabel,
  };
}

function testView(test: InteropTest) {
  return {
    ...checkView(test.check),
    expired: test.expired,
    links: test.links.map((link) => ({
      kind: link.kind,
      url: link.url,
      tokenRoom: link.tokenRoom ?? null,
      affiliation: link.affiliation ?? null,
      expiresAt: link.expiresAt ?? null,
    })),
    expectations: test.expectations,
    memberFeatures: test.memberFeatures ?? null,
  };
}

/** The REST twin of "Test this server" (InteropPageController). */
@ApiTags('servers')
@ApiCookieAuth()
@RequireRoles('admin')
@TokenScope('admin')
@Controller(['api/v1/admin/servers/:id/checks', 'api/v1/servers/:id/checks'])
export class InteropController {
  constructor(private readonly interop: JitsiInteropService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Start an interop check: a 15-minute test room and four links (organizer, participant, no token, wrong room)' })
  async start(@Param('id') id: string, @Req() req: Request) {
    return testView(await this.interop.start(id, actorOf(req)));
  }

  @Get(':checkId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'One interop check, with its links while the test window is open' })
  async get(@Param('id') id: string, @Param('checkId') checkId: string) {
    return testView(await this.interop.view(id, checkId));
  }

  @Post(':checkId/result')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record what happened with each link (once per check)' })
  async record(@Param('id') id: string, @Param('checkId') checkId: string, @Body() dto: RecordInteropResultDto, @Req() req: Request) {
    return checkView(await this.interop.record(id, checkId, dto, actorOf(req)));
  }
}
