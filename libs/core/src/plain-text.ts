// eslint-disable-next-line no-control-regex -- control characters (Unicode Cc: C0, DEL, C1) are what is removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same, except line feed and tab
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A name or title as one line of plain text: line breaks (also U+2028/U+2029) and tabs become
 * one space, every other control character is removed. Names and titles go into mail headers, iCalendar properties,
 * pages and tokens; a control character in any of them is at best noise, at worst an injection.
 */
export function singleLine(value: string): string {
  return value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(CONTROL, '');
}

/** Multi-line plain text (a description): CR LF and CR become LF, control characters but LF and tab are removed. */
export function plainText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_BUT_LINES, '');
}

/** Escapes any value's text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
