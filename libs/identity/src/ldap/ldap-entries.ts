import { NoSuchObjectError, type Client, type Entry } from 'ldapts';
import type { LdapGroupMembership } from '@moderato/config';

/** Base-scope reads running at once over one connection. */
const PARALLEL_READS = 16;

/** The attributes a group entry may list its members in. */
export const MEMBERSHIP_ATTRIBUTES = ['member', 'uniqueMember', 'memberUid'];

/**
 * An attribute's values as strings, whatever case the server spells its name in (and the first
 * range Active Directory returns of a large `member;range=0-1499`).
 */
export function values(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  const key =
    Object.keys(entry).find((name) => name.toLowerCase() === wanted) ?? Object.keys(entry).find((name) => name.toLowerCase().startsWith(`${wanted};range=`));
  const raw = key ? entry[key] : undefined;
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
}

/**
 * How many members a group entry lists in the attribute the membership mode reads: memberOf
 * (kept by the directory from member/uniqueMember), member, uniqueMember or memberUid.
 */
export function readableMemberCount(entry: Entry, membership: LdapGroupMembership): number {
  if (membership === 'memberOf') return Math.max(values(entry, 'member').length, values(entry, 'uniqueMember').length);
  return values(entry, membership).length;
}

/** Base-scope reads of many DNs over one connection, a few at a time; missing entries are skipped. */
export async function readEntries(client: Client, dns: string[], filter: string, attributes: string[]): Promise<Entry[]> {
  const found: Entry[] = [];
  let next = 0;
  const worker = async () => {
    while (next < dns.length) {
      const dn = dns[next++];
      try {
        const { searchEntries } = await client.search(dn, { scope: 'base', filter, attributes });
        found.push(...searchEntries);
      } catch (error) {
        if (!(error instanceof NoSuchObjectError)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, dns.length) }, worker));
  return found;
}
