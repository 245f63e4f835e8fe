import { parsePresenceEvent } from './presence-payload';
import { unionSeconds } from './attendance';

describe('reading event_sync bodies as Prosody sends them', () => {
  it('occupant/joined of the README, with include_user_info keys and the room name in upper case', () => {
    const parsed = parsePresenceEvent('occupant/joined', {
      active_occupants_count: 4,
      occupant: {
        avatar: 'https://x.test/a.png',
        moderator: false,
        name: 'James Barrow',
        email: 'J.Barrow@domain.com',
        id: '00380324-a840-400d-880f-7ee0933b7556',
        occupant_jid: '14f01c40-5195-4a4d-8efb-f58b49d18741@meet.mydomain.com/OWhl8jSh',
        joined_at: 1625823996,
      },
      room_name: 'CatchUp',
      event_name: 'muc-occupant-joined',
      is_breakout: false,
      room_jid: 'catchup@conference.meet.mydomain.com',
    });
    expect(parsed).toEqual({
      ok: true,
      event: {
        kind: 'occupant/joined',
        roomName: 'catchup',
        breakoutRoom: '',
        at: new Date(1625823996000),
        occupant: {
          occupantJid: '14f01c40-5195-4a4d-8efb-f58b49d18741@meet.mydomain.com/OWhl8jSh',
          userId: '00380324-a840-400d-880f-7ee0933b7556',
          name: 'James Barrow',
          email: 'j.barrow@domain.com',
          joinedAt: new Date(1625823996000),
          leftAt: null,
        },
        allOccupants: [],
      },
    });
  });

  it('room/destroyed: all_occupants {} is an empty list; an occupant without left_at is accepted; a breakout names its main room', () => {
    const empty = parsePresenceEvent(
      'room/destroyed',
      JSON.parse('{"all_occupants":{},"destroyed_at":1625824035,"room_name":"catchup","created_at":1625823996}'),
    );
    expect(empty.ok && empty.event.allOccupants).toEqual([]);
    const breakout = parsePresenceEvent('room/destroyed', {
      destroyed_at: 1625824035,
      is_breakout: true,
      breakout_room_id: 'B-1',
      room_jid: 'catchup@conference.meet.mydomain.com',
      all_occupants: [{ occupant_jid: 'a@meet/b', joined_at: 1625823996 }],
    });
    expect(breakout.ok && [breakout.event.roomName, breakout.event.breakoutRoom, breakout.event.allOccupants[0].leftAt]).toEqual(['catchup', 'b-1', null]);
  });

  it('refuses milliseconds, a nick instead of a JID, a missing left_at on occupant/left, a non-object body', () => {
    const occupant = (fields: Record<string, unknown>) => ({ room_name: 'r', occupant: { occupant_jid: 'a@meet/b', joined_at: 1625823996, ...fields } });
    expect(parsePresenceEvent('occupant/joined', occupant({ joined_at: 1625823996000 }))).toEqual({
      ok: false,
      problems: ['occupant.joined_at must be a Unix time in seconds'],
    });
    expect(parsePresenceEvent('occupant/joined', occupant({ occupant_jid: 'room/nick' })).ok).toBe(false);
    expect(parsePresenceEvent('occupant/left', occupant({}))).toEqual({ ok: false, problems: ['occupant.left_at must be a Unix time in seconds'] });
    expect(parsePresenceEvent('occupant/joined', 'x').ok).toBe(false);
  });
});

describe('unionSeconds', () => {
  it('counts overlapping connections once', () => {
    expect(
      unionSeconds([
        [0, 600_000],
        [900_000, 1_200_000],
        [1_000_000, 1_100_000],
        [1_200_000, 1_500_000],
      ]),
    ).toBe(600 + 600);
    expect(unionSeconds([])).toBe(0);
  });
});
