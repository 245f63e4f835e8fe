import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A readable slug of a name, e.g. "Lehrerzimmer Süd" → "lehrerzimmer-sud" (empty if nothing is left). */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/**
 * A Jitsi room name: a readable slug of the title plus an unguessable suffix (~60 bits),
 * lower-case a-z0-9-, at most 128 characters — so URL, MUC JID and token `room` agree.
 */
export function roomNameFor(title: string): string {
  const slug = slugOf(title);
  const bytes = randomBytes(12);
  const suffix = Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return slug ? `${slug}-${suffix}` : `meeting-${suffix}`;
}
