import { FixedClock } from '@moderato/core';
import { JoinWindows } from './join-windows';
import type { Meeting } from './meeting.entity';

const meeting = (overrides: Partial<Meeting> = {}) =>
  ({
    id: 'm1',
    startsAt: new Date('2027-03-15T08:00:00Z'),
    endsAt: new Date('2027-03-15T09:00:00Z'),
    timezone: 'Europe/Berlin',
    rrule: null,
    recurrenceExceptions: [],
    joinBeforeMinutes: 15,
    joinAfterMinutes: 10,
    cancelledAt: null,
    ...overrides,
  }) as Meeting;

describe('JoinWindows', () => {
  const clock = new FixedClock(new Date('2027-03-15T07:00:00Z'));
  const windows = new JoinWindows(clock);

  it('waits until the window opens, is open until it closes, then the meeting has ended', () => {
    expect(windows.stateOf(meeting())).toMatchObject({
      state: 'waiting',
      opensAt: new Date('2027-03-15T07:45:00Z'),
      closesAt: new Date('2027-03-15T09:10:00Z'),
    });
    expect(windows.stateOf(meeting(), new Date('2027-03-15T07:45:00Z'))).toMatchObject({ state: 'open' });
    expect(windows.stateOf(meeting(), new Date('2027-03-15T09:09:59Z'))).toMatchObject({ state: 'open' });
    expect(windows.stateOf(meeting(), new Date('2027-03-15T09:10:00Z'))).toEqual({ state: 'ended' });
  });

  it('names a stored schedule that cannot be expanded, with the reason', () => {
    expect(windows.stateOf(meeting({ rrule: 'FREQ=WEEKLY;BYDAY=undefined;COUNT=5' }))).toEqual({ state: 'invalid_schedule', reason: expect.any(String) });
  });

  it('marks the meetings of a list: Start where the window is open and the meeting not cancelled; invalid schedules, cancelled or not', () => {
    clock.set(new Date('2027-03-15T08:30:00Z'));
    const open = meeting({ id: 'open' });
    const cancelled = meeting({ id: 'cancelled', cancelledAt: new Date('2027-03-01T00:00:00Z') });
    const later = meeting({ id: 'later', startsAt: new Date('2027-03-16T08:00:00Z'), endsAt: new Date('2027-03-16T09:00:00Z') });
    const broken = meeting({ id: 'broken', rrule: 'FREQ=WEEKLY;BYDAY=undefined;COUNT=5', cancelledAt: new Date('2027-03-01T00:00:00Z') });
    expect(windows.marks([open, cancelled, later, broken])).toEqual({ openIds: ['open'], invalidIds: ['broken'] });
  });
});
