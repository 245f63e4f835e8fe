const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * An Intl.DateTimeFormat, made once per locale + options and reused: making one costs far more
 * than formatting with it (mail rendering made several per message; see BENCHMARKS.md, fan-out).
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    // Bounded: time zones come from user data (validated IANA names), so the set is finite, but keep it small.
    if (formats.size >= 1000) formats.clear();
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/**
 * Offset (ms) of `timeZone` from UTC at the instant `date`. Remembered per zone and instant: a
 * fan-out renders the same meeting's times for 2,000 mails, and formatToParts is ICU work.
 */
export function zoneOffsetMs(date: Date, timeZone: string): number {
  const key = `${timeZone}|${date.getTime()}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 10_000) offsets.clear();
    offset = computeZoneOffsetMs(date, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

const offsets = new Map<string, number>();

function computeZoneOffsetMs(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    dateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The instant a wall-clock time ("2026-03-29", "02:30") has in a time zone. Across a DST gap the
 * later valid time is used; in a repeated hour, the first.
 */
export function zonedToUtc(day: string, time: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const clock = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || !clock) return undefined;
  // 2027-02-30 or 24:00 would roll over into the next month or day: they are not wall-clock times.
  if (!isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3])) || Number(clock[1]) > 23 || Number(clock[2]) > 59) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(clock[1]), Number(clock[2]));
  if (Number.isNaN(wall)) return undefined;
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** ISO 8601 with the zone's offset at that instant, e.g. 2026-12-01T08:00:00+01:00. */
export function isoWithOffset(date: Date, timeZone: string): string {
  const offset = zoneOffsetMs(date, timeZone);
  const local = new Date(date.getTime() + offset).toISOString().slice(0, 19);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Whether year-month-day is a day of the calendar (no 30 February, no month 13). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const STRICT_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An ISO 8601 date-time with offset (2026-12-01T08:00:00+01:00), read strictly: where
 * the Date constructor rolls 2027-02-30 over to 2 March and T24:00 to the next day, this refuses them
 * (undefined), and offsets beyond ±14:00.
 */
export function parseIsoDateTime(text: string): Date | undefined {
  const match = STRICT_ISO.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '0', zone, sign, offsetHours, offsetMinutes] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day)) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  let offset = 0;
  if (zone !== 'Z') {
    if (Number(offsetHours) > 14 || Number(offsetMinutes) > 59) return undefined;
    offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  }
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0')));
  return new Date(wall - offset);
}

/**
 * The canonical IANA spelling of a time zone, whatever its case (europe/berlin → Europe/Berlin,
 * utc → UTC); undefined for a name that is not a time zone.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (typeof zone !== 'string' || zone === '' || zone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "Europe/Berlin" → "Berlin", "America/Argentina/Buenos_Aires" → "Buenos Aires", "UTC" → "UTC". */
export function zoneCity(timeZone: string): string {
  return (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
}

/**
 * The canonical name of an IANA time zone (Europe/Berlin, UTC), or undefined: unlike
 * `canonicalTimeZone`, offsets such as "+01:00" (which Intl also accepts) are not zones people live in.
 */
export function ianaTimeZone(zone: string): string | undefined {
  if (typeof zone !== 'string' || !/^[A-Za-z]/.test(zone)) return undefined;
  return canonicalTimeZone(zone);
}

/** Whether a person's wall clock in `a` reads the same as in `b` at that instant. */
export function sameWallClock(date: Date, a: string, b: string): boolean {
  return a === b || zoneOffsetMs(date, a) === zoneOffsetMs(date, b);
}
