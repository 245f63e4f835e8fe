import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiBearerAuth,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '@moderato/config';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { AccessEntryDto, CreateRoomDto, RoomsService, UpdateRoomDto, type PermanentRoom } from '@moderato/rooms';
import { actorOf } from '../common/actor';

/** What the API shows of a permanent room. */
export class RoomView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Staff room' }) name: string;
  @ApiProperty({ example: 'staff-room' }) slug: string;
  @ApiProperty({ example: 'https://moderato.school.test/r/staff-room', description: 'The address people open (sign-in forced)' }) url: string;
  @ApiProperty({ format: 'uuid' }) serverId: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'School Jitsi' }) serverName: string | null;
  @ApiProperty({ example: 'staff-room-k3x9q2m7p4ab', description: 'The Jitsi room (token "room"); never changes' }) roomName: string;
  @ApiProperty({ type: [AccessEntryDto] }) access: AccessEntryDto[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Send it back with a change (or as If-Match)' }) version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export function roomView(room: PermanentRoom, publicUrl: string): RoomView {
  return {
    id: room.id,
    name: room.name,
    slug: room.slug,
    url: `${publicUrl}/r/${room.slug}`,
    serverId: room.serverId,
    serverName: room.server?.name ?? null,
    roomName: room.roomName,
    access: room.access,
    enabled: room.enabled,
    version: room.version,
    createdAt: room.createdAt.toISOString(),
    updatedAt: room.updatedAt.toISOString(),
  };
}

/** `If-Match: "3"` (or 3) → 3; the body's version wins when both are given. */
function versionFrom(ifMatch: string | undefined): number | undefined {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Administration → Permanent rooms, as REST. The pages are RoomsPageController. */
@ApiTags('admin: rooms')
@ApiCookieAuth()
@RequireRoles('admin')
@ApiBearerAuth()
@TokenScope('admin')
@Controller('api/v1/admin/rooms')
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List permanent rooms' })
  @ApiOkResponse({ type: [RoomView] })
  async list(): Promise<RoomView[]> {
    return (await this.rooms.list()).map((room) => roomView(room, this.config.publicUrl));
  }

  @Post()
  @ApiOperation({ summary: 'Create a permanent room with its access list (audited)' })
  @ApiCreatedResponse({ type: RoomView })
  async create(@Body() dto: CreateRoomDto, @Req() req: Request): Promise<RoomView> {
    return roomView(await this.rooms.create(dto, actorOf(req)), this.config.publicUrl);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One permanent room' })
  @ApiOkResponse({ type: RoomView })
  async get(@Param('id') id: string): Promise<RoomView> {
    return roomView(await this.rooms.get(id), this.config.publicUrl);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a permanent room; send the version you edited (body or If-Match); a stale one is a 409. `access` replaces the whole list' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: RoomView })
  async update(@Param('id') id: string, @Body() dto: UpdateRoomDto, @Req() req: Request, @Headers('if-match') ifMatch?: string): Promise<RoomView> {
    return roomView(await this.rooms.update(id, { ...dto, version: dto.version ?? versionFrom(ifMatch) }, actorOf(req)), this.config.publicUrl);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a permanent room for good (audited); with If-Match, only that version' })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string, @Req() req: Request, @Headers('if-match') ifMatch?: string): Promise<void> {
    await this.rooms.remove(id, actorOf(req), versionFrom(ifMatch));
  }
}
