/**
 * LDAP filter and DN helpers. Everything a person types goes into a filter only through
 * `escapeFilterValue`, so `*`, `(`, `)`, `\` and NUL can never change the filter's meaning.
 */

/** RFC 4515 escaping of an assertion value: `*` → `\2a`, `(` → `\28`, `)` → `\29`, `\` → `\5c`, NUL → `\00`. */
export function escapeFilterValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL must be escaped, that is the point
  return value.replace(/[\\*()\u0000]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The configured user filter with the escaped login name in place of `{username}`. */
export function userFilterFor(template: string, username: string): string {
  return template.split('{username}').join(escapeFilterValue(username));
}

/** The configured user filter matching every person (`{username}` becomes a presence test). */
export function everyoneFilter(template: string): string {
  return template.split('{username}').join('*');
}

/** `(attr=*text*)` for a search box: the text escaped, so it is matched literally. */
export function containsFilter(attribute: string, text: string): string {
  return `(${attribute}=*${escapeFilterValue(text)}*)`;
}

/** `(attr=value)` with the value escaped. */
export function equalsFilter(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/**
 * The value of a DN's first RDN (`cn=7b,ou=groups,dc=school,dc=test` → `7b`), with DN escapes
 * (`\,`, `\2C`) undone; null when the first RDN is not of `attribute`.
 */
export function firstRdnValue(dn: string, attribute: string): string | null {
  let index = 0;
  let rdn = '';
  while (index < dn.length) {
    const char = dn[index];
    if (char === '\\' && index + 1 < dn.length) {
      rdn += dn.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (char === ',' || char === '+') break;
    rdn += char;
    index += 1;
  }
  const equals = rdn.indexOf('=');
  if (equals < 0 || rdn.slice(0, equals).trim().toLowerCase() !== attribute.toLowerCase()) return null;
  const raw = rdn.slice(equals + 1).trim();
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    if (raw[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (raw[i] === '\\' && i + 1 < raw.length) {
      bytes.push(...Buffer.from(raw[i + 1]));
      i += 1;
    } else bytes.push(...Buffer.from(raw[i]));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Active Directory's objectGUID (16 bytes, first three groups little-endian) as the usual GUID text. */
export function guidToString(bytes: Buffer): string {
  if (bytes.length !== 16) return bytes.toString('hex');
  const hex = (start: number, end: number, reverse: boolean) => {
    const part = [...bytes.subarray(start, end)];
    return (reverse ? part.reverse() : part).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}
