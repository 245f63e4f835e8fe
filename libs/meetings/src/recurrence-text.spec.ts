import { describeRecurrence } from './recurrence-text';

const zone = 'Europe/Berlin';
// Monday 7 December 2026, 10:00 Berlin.
const start = new Date('2026-12-07T09:00:00Z');
const say = (rrule: string, locale: 'en' | 'de') => describeRecurrence(rrule, locale, zone, start);

describe('describeRecurrence: a rule in words', () => {
  it.each([
    ['FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12', 'Every Monday and Thursday, 12 times', 'Jeden Montag und Donnerstag, 12-mal'],
    ['FREQ=WEEKLY;COUNT=10', 'Every Monday, 10 times', 'Jeden Montag, 10-mal'],
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=30', 'Every Monday, Wednesday and Friday, 30 times', 'Jeden Montag, Mittwoch und Freitag, 30-mal'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=5', 'Every 2 weeks on Tuesday, 5 times', 'Alle 2 Wochen am Dienstag, 5-mal'],
    ['FREQ=DAILY;COUNT=5', 'Every day, 5 times', 'Jeden Tag, 5-mal'],
    ['FREQ=DAILY;INTERVAL=3;COUNT=1', 'Every 3 days, once', 'Alle 3 Tage, einmal'],
    ['FREQ=MONTHLY;COUNT=6', 'Every month on the 7th, 6 times', 'Jeden Monat am 7., 6-mal'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,-1;COUNT=4', 'Every month on the 1st and last day, 4 times', 'Jeden Monat am 1. und letzten Tag, 4-mal'],
    ['FREQ=MONTHLY;BYDAY=1MO;COUNT=3', 'Every month on the first Monday, 3 times', 'Jeden Monat am ersten Montag, 3-mal'],
    ['FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=3', 'Every 2 months on the last Friday, 3 times', 'Alle 2 Monate am letzten Freitag, 3-mal'],
    [
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=2',
      'Every month on the last Monday, Tuesday, Wednesday, Thursday or Friday, 2 times',
      'Jeden Monat am letzten Montag, Dienstag, Mittwoch, Donnerstag oder Freitag, 2-mal',
    ],
    ['FREQ=WEEKLY;BYDAY=MO;BYMONTH=1,6;COUNT=8', 'Every Monday in January and June, 8 times', 'Jeden Montag im Januar und Juni, 8-mal'],
    ['FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20261222T225959Z', 'Every Monday and Thursday, until 22 December', 'Jeden Montag und Donnerstag, bis 22. Dezember'],
    ['FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270311T225959Z', 'Every Monday and Thursday, until 11 March 2027', 'Jeden Montag und Donnerstag, bis 11. März 2027'],
    ['FREQ=DAILY;UNTIL=20270311', 'Every day, until 11 March 2027', 'Jeden Tag, bis 11. März 2027'],
  ])('%s', (rrule, english, german) => {
    expect(say(rrule, 'en')).toBe(english);
    expect(say(rrule, 'de')).toBe(german);
  });

  it('never shows FREQ= for a rule it can read, and shows an unreadable stored rule as written', () => {
    expect(say('FREQ=WEEKLY;BYDAY=MO;COUNT=2', 'en')).not.toMatch(/FREQ|BYDAY|COUNT/);
    expect(say('FREQ=WEEKLY;BYDAY=undefined;COUNT=5', 'de')).toBe('FREQ=WEEKLY;BYDAY=undefined;COUNT=5');
  });

  it('names the until date in the meeting’s time zone (a UTC UNTIL late in the evening is still that day)', () => {
    expect(describeRecurrence('FREQ=DAILY;UNTIL=20270311T225959Z', 'en', 'Europe/Berlin')).toBe('Every day, until 11 March 2027');
    expect(describeRecurrence('FREQ=DAILY;UNTIL=20270311T225959Z', 'en', 'Asia/Tokyo')).toBe('Every day, until 12 March 2027');
  });
});
