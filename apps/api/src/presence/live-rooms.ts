import { Injectable } from '@nestjs/common';
import { AttendanceService } from '@moderato/meetings';
import { RoomsService } from '@moderato/rooms';

export interface LiveRoom {
  serverId: string;
  roomName: string;
  count: number;
  names: string[];
  /** What is held there: a meeting, a permanent room, or neither (a room Moderato did not make). */
  kind: 'meeting' | 'permanent_room' | 'other';
  id: string | null;
  title: string;
}

/** Every Jitsi room with someone in it now, named after its meeting or permanent room (the admin dashboard). */
@Injectable()
export class LiveRooms {
  constructor(
    private readonly attendance: AttendanceService,
    private readonly rooms: RoomsService,
  ) {}

  async list(): Promise<LiveRoom[]> {
    const live = await this.attendance.liveEverywhere();
    if (!live.length) return [];
    const permanent = new Map((await this.rooms.list()).map((room) => [`${room.serverId} ${room.roomName.toLowerCase()}`, room]));
    return live
      .map((entry): LiveRoom => {
        const room = permanent.get(`${entry.serverId} ${entry.roomName}`);
        const base = { serverId: entry.serverId, roomName: entry.roomName, count: entry.count, names: entry.names };
        if (entry.meeting) return { ...base, kind: 'meeting', id: entry.meeting.id, title: entry.meeting.title };
        if (room) return { ...base, kind: 'permanent_room', id: room.id, title: room.name };
        return { ...base, kind: 'other', id: null, title: entry.roomName };
      })
      .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title));
  }
}
