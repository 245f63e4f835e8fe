import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { RequireRoles } from '@moderato/identity';
import { JitsiServersService } from '@moderato/jitsi';
import { AttendanceService } from '@moderato/meetings';
import { CreateRoomDto, RoomSlugTaken, RoomVersionConflict, RoomsService, UpdateRoomDto, type PermanentRoom } from '@moderato/rooms';
import { formErrorsOf, setFlash, validateForm } from '@moderato/web';
import { actorOf } from '../common/actor';
import { EMPTY_ROOM_FORM, formFieldOf, formOfRoom, roomFormToDto } from './room-form';

type Errors = Record<string, string[]>;

const merge = (into: Errors, field: string, messages: string[]) => {
  into[field] = [...(into[field] ?? []), ...messages];
};

/** Administration → Permanent rooms: the pages. The REST twin is RoomsController. */
@ApiExcludeController()
@RequireRoles('admin')
@Controller('admin/rooms')
export class RoomsPageController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly servers: JitsiServersService,
    private readonly config: AppConfig,
    private readonly attendance: AttendanceService,
  ) {}

  @Get()
  @Render('admin/rooms')
  async list() {
    const rooms = await this.rooms.list();
    // Who is in each room now (where its server sends presence events).
    const live = await this.attendance.liveIn(rooms.map((room) => ({ serverId: room.serverId, roomName: room.roomName })));
    const inRoom = Object.fromEntries(rooms.map((room) => [room.id, live.get(`${room.serverId} ${room.roomName.toLowerCase()}`) ?? { count: 0, names: [] }]));
    return { rooms, publicUrl: this.config.publicUrl, inRoom };
  }

  @Get('new')
  @Render('admin/room-form')
  async newForm() {
    const servers = await this.servers.list();
    return { mode: 'create', form: { ...EMPTY_ROOM_FORM, serverId: servers.find((server) => server.enabled)?.id ?? '' }, errors: {}, servers };
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const again = async (status: number, errors: Errors) =>
      res.status(status).render('admin/room-form', {
        mode: 'create',
        form: { ...EMPTY_ROOM_FORM, ...body, enabled: body.enabled ?? 'false' },
        errors,
        servers: await this.servers.list(),
      });
    const { dto, errors } = roomFormToDto(body, 'create');
    const form = await validateForm(CreateRoomDto, dto);
    if (!form.ok) for (const [field, messages] of Object.entries(form.errors)) merge(errors, formFieldOf(field), messages);
    if (!form.ok || Object.keys(errors).length) return again(400, errors);
    try {
      await this.rooms.create(form.value, actorOf(req));
    } catch (error) {
      const known = this.formErrorOf(error);
      if (known) return again(known.status, known.errors);
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.roomCreated' });
    res.redirect(303, '/admin/rooms');
  }

  @Get(':id/edit')
  @Render('admin/room-form')
  async editForm(@Param('id') id: string) {
    const room = await this.rooms.get(id);
    return { mode: 'edit', room, form: formOfRoom(room), errors: {}, servers: await this.servers.list(), publicUrl: this.config.publicUrl };
  }

  @Post(':id')
  async update(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const room = await this.rooms.get(id);
    const again = async (status: number, errors: Errors, conflict = false) =>
      res.status(status).render('admin/room-form', {
        mode: 'edit',
        room,
        form: { ...formOfRoom(room), ...body, enabled: body.enabled ?? 'false' },
        errors,
        conflict,
        servers: await this.servers.list(),
        publicUrl: this.config.publicUrl,
      });
    const { dto, errors } = roomFormToDto(body, 'edit');
    const form = await validateForm(UpdateRoomDto, dto);
    if (!form.ok) for (const [field, messages] of Object.entries(form.errors)) merge(errors, formFieldOf(field), messages);
    if (!form.ok || Object.keys(errors).length) return again(400, errors);
    try {
      await this.rooms.update(id, form.value, actorOf(req));
    } catch (error) {
      if (error instanceof RoomVersionConflict) return again(409, {}, true);
      const known = this.formErrorOf(error);
      if (known) return again(known.status, known.errors);
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.saved' });
    res.redirect(303, '/admin/rooms');
  }

  @Get(':id/delete')
  @Render('admin/room-delete')
  async confirmDelete(@Param('id') id: string) {
    return { room: await this.rooms.get(id) };
  }

  @Post(':id/delete')
  async remove(@Param('id') id: string, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const version = typeof body.version === 'string' && /^\d+$/.test(body.version) ? Number(body.version) : undefined;
    let room: PermanentRoom | undefined;
    try {
      room = await this.rooms.get(id);
      await this.rooms.remove(id, actorOf(req), version);
    } catch (error) {
      if (error instanceof RoomVersionConflict && room) return res.status(409).render('admin/room-delete', { room, conflict: true });
      throw error;
    }
    setFlash(res, this.config, { type: 'success', key: 'flash.roomDeleted', params: { name: room.name } });
    res.redirect(303, '/admin/rooms');
  }

  /** Service refusals a form shows next to its field: a taken slug, an unknown server. */
  private formErrorOf(error: unknown): { status: number; errors: Errors } | undefined {
    if (error instanceof RoomSlugTaken) return { status: 409, errors: { slug: [error.message] } };
    const errors = formErrorsOf(error, formFieldOf);
    return errors ? { status: 400, errors } : undefined;
  }
}
