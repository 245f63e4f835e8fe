import { Injectable } from '@nestjs/common';
import { AttendanceService } from '@moderato/meetings';
import type { PermanentRoom, RoomAffiliation } from '@moderato/rooms';

/** Who is in a room now: a count and the names. */
export interface RoomLiveView {
  count: number;
  names: string[];
}

/**
 * "In the room now" for the permanent rooms a person moderates (as a meeting's organizer sees it
 * on the meeting page), where the room's Jitsi server sends presence events. Members of a room do
 * not see who is in it before they join, as participants of a meeting do not.
 */
@Injectable()
export class RoomLive {
  constructor(private readonly attendance: AttendanceService) {}

  /** By room slug: only the rooms `entries` lets the person moderate, on servers that report. */
  async of(entries: { room: PermanentRoom; affiliation: RoomAffiliation }[]): Promise<Record<string, RoomLiveView>> {
    const moderated = entries.filter((entry) => entry.affiliation === 'moderator').map((entry) => entry.room);
    const reports = new Map<string, boolean>();
    for (const serverId of new Set(moderated.map((room) => room.serverId))) reports.set(serverId, await this.attendance.serverReports(serverId));
    const reporting = moderated.filter((room) => reports.get(room.serverId));
    if (!reporting.length) return {};
    const live = await this.attendance.liveIn(reporting.map((room) => ({ serverId: room.serverId, roomName: room.roomName })));
    return Object.fromEntries(reporting.map((room) => [room.slug, live.get(`${room.serverId} ${room.roomName.toLowerCase()}`) ?? { count: 0, names: [] }]));
  }
}
