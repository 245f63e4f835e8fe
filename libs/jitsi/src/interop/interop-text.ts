import type { InteropExpectation, InteropFixLines, InteropTranslate } from './interop-expectations';
import type { InteropLink } from './interop-plan';

export interface InteropTextInput {
  serverName: string;
  room: string;
  expiresAt: Date;
  /** Empty once the test window is over. */
  links: InteropLink[];
  expectations: InteropExpectation[];
}

/**
 * The interop check as plain text, for a terminal (`moderato doctor --interop <server>`): the
 * test room and its window, then for each link the URL, what must happen, and for every other
 * outcome what it means with the exact lines to change. Pass `translator('en')` (or 'de') of
 * @moderato/i18n as `t`.
 */
export function formatInteropCheck(input: InteropTextInput, t: InteropTranslate): string {
  const out: string[] = [
    t('interop.text.title', { server: input.serverName }),
    t('interop.text.window', { room: input.room, until: input.expiresAt.toISOString() }),
    '',
  ];
  if (input.links.length === 0) out.push(t('interop.text.expired'), '');
  input.expectations.forEach((expectation, index) => {
    const link = input.links.find((candidate) => candidate.kind === expectation.kind);
    out.push(`${index + 1}. ${t(`interop.link.${expectation.kind}`)}`);
    if (link) out.push(`   ${link.url}`);
    out.push(`   ${t('interop.text.expected')}: ${t(expectation.expect)}`);
    for (const failure of expectation.failures) {
      const label = expectation.outcomes.find((outcome) => outcome.value === failure.outcome)?.label;
      out.push(`   ${t('interop.text.ifNot', { outcome: label ? t(label) : failure.outcome })}`, `     ${t(failure.meaning)}`);
      for (const cause of failure.causes) {
        out.push(`     - ${t(cause.key, cause.params)}`);
        for (const fix of cause.fixes) {
          out.push(`       ${t(fix.install === 'docker' ? 'interop.text.docker' : 'interop.text.debian')} — ${whereOf(fix, t)}:`);
          for (const line of fix.lines) out.push(`         ${line}`);
        }
      }
      if (failure.inspectToken) out.push(`     ${t('interop.text.inspect')}`);
    }
    out.push('');
  });
  return out.join('\n');
}

/** Where fix lines go: "<file> (then: <command>)", or "in a shell on the Jitsi host". */
export function whereOf(fix: InteropFixLines, t: InteropTranslate): string {
  if (!fix.file) return t('interop.where.shell');
  return fix.apply ? `${fix.file} (${t('interop.where.then')}: ${fix.apply})` : fix.file;
}
