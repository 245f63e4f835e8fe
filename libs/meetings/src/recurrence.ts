import { RRule } from 'rrule';

const ALLOWED = new Map([
  [RRule.DAILY, 'DAILY'],
  [RRule.WEEKLY, 'WEEKLY'],
  [RRule.MONTHLY, 'MONTHLY'],
]);

/**
 * Checks an RRULE as Moderato accepts it: DAILY, WEEKLY (with weekdays) or MONTHLY, ending by
 * COUNT (≤ 500) or UNTIL. Returns the normalised rule, or the reason it is refused.
 */
export function parseRecurrence(rule: string): { ok: true; rrule: string } | { ok: false; message: string } {
  const text = rule.trim().replace(/^RRULE:/i, '');
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(text);
  } catch {
    return { ok: false, message: 'recurrence must be an RRULE such as FREQ=WEEKLY;BYDAY=MO;COUNT=10' };
  }
  if (options.freq === undefined || !ALLOWED.has(options.freq)) return { ok: false, message: 'recurrence must repeat DAILY, WEEKLY or MONTHLY' };
  if (!options.count && !options.until) return { ok: false, message: 'recurrence must end: give COUNT or UNTIL' };
  if (options.count && options.count > 500) return { ok: false, message: 'recurrence may have at most 500 occurrences' };
  if (options.interval && options.interval > 52) return { ok: false, message: 'recurrence interval must be at most 52' };
  return { ok: true, rrule: RRule.optionsToString(options).replace(/^RRULE:/, '') };
}
