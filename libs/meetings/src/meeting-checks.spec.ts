import { checkVersion, visibleTo } from './meeting-checks';
import type { Caller } from './caller';
import type { Meeting } from './meeting.entity';

const meeting = { id: 'm1', organizerId: 'u1', version: 3 } as Meeting;
const caller = (id: string, roles: string[] = ['organizer']) => ({ user: { id }, roles }) as unknown as Caller;

describe('checkVersion', () => {
  it('passes the version the meeting has', () => {
    expect(() => checkVersion(meeting, 3, true)).not.toThrow();
  });

  it('refuses an older one as a conflict, with both versions', () => {
    expect(() => checkVersion(meeting, 2, false)).toThrow(expect.objectContaining({ code: 'MEETING_VERSION_CONFLICT', details: { expected: 2, actual: 3 } }));
  });

  it('asks for it where an edit must name it; a cancel may leave it out', () => {
    expect(() => checkVersion(meeting, undefined, true)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'version', messages: ['version (or If-Match) is required: the meeting version you edited'] }],
      }),
    );
    expect(() => checkVersion(meeting, undefined, false)).not.toThrow();
  });
});

describe('visibleTo', () => {
  it("shows an organizer their own meeting and an admin anyone's; others get not found", () => {
    expect(visibleTo(caller('u1'), 'm1', meeting)).toBe(meeting);
    expect(visibleTo(caller('u2', ['admin']), 'm1', meeting)).toBe(meeting);
    expect(() => visibleTo(caller('u2'), 'm1', meeting)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => visibleTo(caller('u1'), 'm2', null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', details: { id: 'm2' } }));
  });
});
