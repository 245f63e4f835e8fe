import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRoles, TokenScope } from '@moderato/identity';
import { LiveRooms } from './live-rooms';

/** Admins: who is in which room now, across servers (meetings and permanent rooms); the dashboard polls it. */
@ApiTags('admin')
@ApiCookieAuth()
@ApiBearerAuth()
@RequireRoles('admin')
@TokenScope('admin')
@Controller('api/v1/admin/live')
export class LiveController {
  constructor(private readonly live: LiveRooms) {}

  @Get()
  @ApiOperation({ summary: 'Every Jitsi room with someone in it now (from presence events): count, names, and its meeting or permanent room' })
  async list() {
    const rooms = await this.live.list();
    return { count: rooms.reduce((sum, room) => sum + room.count, 0), names: rooms.flatMap((room) => room.names), rooms };
  }
}
