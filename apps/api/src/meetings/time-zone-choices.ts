/**
 * The new-meeting form's time zone picker: the organisation's default and the zones schools
 * here use most come first, then every other zone; each says its offset from UTC at the moment
 * ("Europe/Berlin (UTC+01:00)"), so a teacher picking a zone sees what it means today.
 */
export interface TimeZoneChoice {
  zone: string;
  /** "Europe/Berlin (UTC+01:00)". */
  label: string;
}

/** Zones listed right after the organisation's default, in this order. */
export const COMMON_TIME_ZONES = [
  'Europe/Berlin',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/London',
  'UTC',
  'Europe/Paris',
  'Europe/Amsterdam',
  'Europe/Rome',
  'Europe/Madrid',
  'Europe/Warsaw',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];

// Intl lists canonical zones only, without UTC: it is added among the common ones.
const ALL_ZONES = Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC');

/** "UTC+01:00", "UTC-05:00", "UTC+00:00": the zone's offset at `at`. */
export function utcOffsetOf(zone: string, at: Date): string {
  const name = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  // "GMT+01:00", or "GMT" for an offset of zero.
  const offset = name?.replace(/^GMT/, '') || '+00:00';
  return `UTC${offset}`;
}

let cached: { key: string; choices: TimeZoneChoice[] } | undefined;

/**
 * Every zone, the organisation's default and the common zones first. Offsets change twice a year
 * at most: the list is computed once per hour (and per default zone), not per page.
 */
export function timeZoneChoices(organisationZone: string, at: Date): TimeZoneChoice[] {
  const key = `${organisationZone}|${Math.floor(at.getTime() / 3_600_000)}`;
  if (cached?.key === key) return cached.choices;
  const first = [...new Set([organisationZone, ...COMMON_TIME_ZONES])];
  const zones = [...first, ...ALL_ZONES.filter((zone) => !first.includes(zone))];
  const choices = zones.map((zone) => ({ zone, label: `${zone} (${utcOffsetOf(zone, at)})` }));
  cached = { key, choices };
  return choices;
}

/**
 * What a person typed in the picker, as a zone name: the list's label ("Europe/Berlin (UTC+01:00)")
 * copied whole is read as its zone; spaces around it are dropped.
 */
export function zoneOfInput(input: string): string {
  return input.trim().replace(/\s*\(UTC[+-]\d{2}:\d{2}\)$/, '');
}
