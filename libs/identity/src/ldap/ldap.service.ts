import { readFileSync } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import { BusyError, Client, InvalidCredentialsError, NoSuchObjectError, ResultCodeError, TimeLimitExceededError, UnavailableError, type Entry } from 'ldapts';
import { AppConfig, type LdapGroupMembership, type LdapSettings } from '@moderato/config';
import { DomainError } from '@moderato/core';
import {
  DirectoryGroupNotFound,
  DirectoryGroupUnreadable,
  DirectoryMisconfigured,
  DirectoryNotConfigured,
  DirectoryUnavailable,
  InvalidCredentials,
  LoginFailed,
  SignInUnavailable,
} from '../identity.errors';
import type { IdentityProfile } from '../users.service';
import { containsFilter, equalsFilter, everyoneFilter, firstRdnValue, guidToString, userFilterFor } from './ldap-filter';

/** A person found in the directory, as an invitation needs them. */
export interface DirectoryPerson {
  name: string;
  email: string;
}

export interface DirectoryGroup {
  name: string;
  memberCount: number;
}

export interface DirectoryGroupMembers {
  name: string;
  /** Members with an email address, each once, sorted by email. */
  members: DirectoryPerson[];
  /** Members the directory has no email address for (they cannot be invited). */
  withoutEmail: number;
  /** Their names (or login names), sorted, so the organizer can tell who was left out. */
  withoutEmailNames: string[];
}

/** The most members one group invitation takes (the invitations API's limit too). */
export const MAX_GROUP_MEMBERS = 2000;
const MAX_USERNAME_LENGTH = 256;
const PARALLEL_READS = 16;

/** ldapts result codes are the directory answering; anything else (refused, timeout, TLS) is it being unreachable. */
const isDirectoryAnswer = (error: unknown) => error instanceof ResultCodeError;
/** An answer that still means "not now" (busy, unavailable, out of time): the directory is down for us, not misconfigured. */
const isDirectoryBusy = (error: unknown) => error instanceof BusyError || error instanceof UnavailableError || error instanceof TimeLimitExceededError;

/** How a refusal is told: the directory down or answering but refusing Moderato's settings. */
interface DirectoryFailures {
  unavailable(detail: string): DomainError;
  misconfigured(detail: string): DomainError;
}

/**
 * How many members a group entry lists in the attribute the membership mode reads: memberOf
 * (kept by the directory from member/uniqueMember), member, uniqueMember or memberUid.
 */
function readableMemberCount(entry: Entry, membership: LdapGroupMembership): number {
  if (membership === 'memberOf') return Math.max(values(entry, 'member').length, values(entry, 'uniqueMember').length);
  return values(entry, membership).length;
}
const MEMBERSHIP_ATTRIBUTES = ['member', 'uniqueMember', 'memberUid'];

/**
 * Direct LDAP (ldapts): sign-in by service bind → search → bind as the person, their groups as
 * roles; and people/group search for invitations. Login names only ever reach a filter escaped.
 */
@Injectable()
export class LdapService {
  private readonly logger = new Logger('Ldap');
  private ca?: Buffer;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.ldap !== undefined;
  }

  /** Whether groups can be searched and invited (a group base DN is configured). */
  get groupsSearchable(): boolean {
    return this.config.ldap?.groups.baseDn !== undefined;
  }

  /**
   * Checks a username and password against the directory. Every refusal is an
   * InvalidCredentials (one message for people; the audit log gets the reason); the directory
   * not answering is SignInUnavailable. An empty password never reaches the directory, so an
   * anonymous ("unauthenticated") bind can never count as a login.
   */
  async authenticate(username: unknown, password: unknown): Promise<IdentityProfile> {
    const settings = this.config.ldap;
    if (!settings) throw new LoginFailed('invalid_response', 'LDAP sign-in is not configured');
    if (typeof password !== 'string' || password.length === 0) throw new InvalidCredentials('empty_password');
    const login = typeof username === 'string' ? username.trim() : '';
    // eslint-disable-next-line no-control-regex -- control characters are never part of a login name
    if (!login || login.length > MAX_USERNAME_LENGTH || /[\u0000-\u001f\u007f]/.test(login)) throw new InvalidCredentials('invalid_username');

    const failures: DirectoryFailures = {
      unavailable: (detail) => new SignInUnavailable(detail, 'ldap'),
      misconfigured: (detail) => new SignInUnavailable(detail, 'ldap', 'configuration'),
    };
    return this.withServiceClient(failures, async (service) => {
      const { attributes } = settings;
      const wanted = [attributes.email, attributes.name, attributes.unique, attributes.username];
      if (settings.groups.membership === 'memberOf') wanted.push('memberOf');
      const { searchEntries } = await service.search(settings.userBaseDn, {
        scope: 'sub',
        filter: userFilterFor(settings.userFilter, login),
        attributes: wanted,
        explicitBufferAttributes: this.bufferAttributes(),
        sizeLimit: 2,
      });
      if (searchEntries.length === 0) {
        // Same work as for a wrong password (a bind that fails), so timing does not tell who exists.
        await this.bindAs(settings, `cn=moderato-no-such-user,${settings.userBaseDn}`, password).catch(() => undefined);
        throw new InvalidCredentials('unknown_user');
      }
      if (searchEntries.length > 1) {
        this.logger.warn(`LDAP_USER_FILTER finds ${searchEntries.length} entries for one login name; refusing the sign-in`);
        throw new InvalidCredentials('ambiguous_user');
      }
      const entry = searchEntries[0];
      await this.bindAs(settings, entry.dn, password);

      const subject = this.uniqueIdOf(entry);
      if (!subject) {
        this.logger.error(`the entry ${entry.dn} has no ${attributes.unique} (LDAP_UNIQUE_ATTRIBUTE); refusing the sign-in`);
        throw new LoginFailed('invalid_response', `the directory entry has no ${attributes.unique}`);
      }
      const email = (values(entry, attributes.email)[0] ?? '').trim().toLowerCase();
      if (!email) throw new LoginFailed('missing_email');
      const groups = await this.groupsOf(service, settings, entry);
      return {
        issuer: settings.serverId,
        subject,
        email,
        // The directory is the organisation's own record of its people's addresses.
        emailVerified: true,
        displayName: (values(entry, attributes.name)[0] ?? '').trim() || login,
        avatarUrl: null,
        idpRoles: [...new Set(groups.map((group) => group.trim().toLowerCase()).filter(Boolean))].sort(),
      };
    });
  }

  /** People whose name, email or login name contains `text` (and who have an email address). */
  async searchPeople(text: string, limit = 20): Promise<DirectoryPerson[]> {
    const settings = this.requireSettings();
    const { attributes } = settings;
    return this.withServiceClient(directoryFailures, async (client) => {
      const filter = `(&${everyoneFilter(settings.userFilter)}(|${containsFilter(attributes.name, text)}${containsFilter(attributes.email, text)}${containsFilter(attributes.username, text)}))`;
      const { searchEntries } = await client.search(settings.userBaseDn, {
        scope: 'sub',
        filter,
        attributes: [attributes.name, attributes.email],
        sizeLimit: limit,
      });
      return uniquePeople(searchEntries.map((entry) => this.personOf(entry)).filter((person): person is DirectoryPerson => person !== null)).slice(0, limit);
    });
  }

  /**
   * Groups whose name contains `text`, with how many members each has. Only groups whose members
   * the configured membership mode can read (LDAP_GROUP_MEMBERSHIP), so none is offered for an
   * "invite all" that would invite nobody (e.g. a posixGroup under memberOf).
   */
  async searchGroups(text: string, limit = 20): Promise<DirectoryGroup[]> {
    const settings = this.requireSettings();
    const baseDn = settings.groups.baseDn;
    if (!baseDn) return [];
    return this.withServiceClient(directoryFailures, async (client) => {
      const { nameAttribute, filter, membership } = settings.groups;
      const { searchEntries } = await client.search(baseDn, {
        scope: 'sub',
        filter: `(&${filter}${containsFilter(nameAttribute, text)})`,
        attributes: [nameAttribute, ...MEMBERSHIP_ATTRIBUTES],
        sizeLimit: limit,
      });
      return searchEntries
        .map((entry) => ({
          name: values(entry, nameAttribute)[0] ?? firstRdnValue(entry.dn, nameAttribute) ?? entry.dn,
          memberCount: readableMemberCount(entry, membership),
        }))
        .filter((group) => group.memberCount > 0)
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  /** The members of the group named `name` (exact name), with their email addresses. */
  async groupMembers(name: string): Promise<DirectoryGroupMembers> {
    const settings = this.requireSettings();
    const baseDn = settings.groups.baseDn;
    if (!baseDn) throw new DirectoryNotConfigured();
    return this.withServiceClient(directoryFailures, async (client) => {
      const { nameAttribute, filter, membership } = settings.groups;
      const { searchEntries } = await client.search(baseDn, {
        scope: 'sub',
        filter: `(&${filter}${equalsFilter(nameAttribute, name)})`,
        attributes: [nameAttribute, ...MEMBERSHIP_ATTRIBUTES],
        sizeLimit: 2,
      });
      const group = searchEntries[0];
      if (!group) throw new DirectoryGroupNotFound(name);
      const groupName = values(group, nameAttribute)[0] ?? name;
      if (readableMemberCount(group, membership) === 0 && MEMBERSHIP_ATTRIBUTES.some((attribute) => values(group, attribute).length > 0)) {
        // Members listed only where this mode does not look: inviting would invite nobody.
        throw new DirectoryGroupUnreadable(groupName, membership);
      }
      const { attributes } = settings;
      const personAttributes = [attributes.name, attributes.email, attributes.username];
      const everyone = everyoneFilter(settings.userFilter);
      let entries: Entry[] = [];
      if (membership === 'memberOf') {
        ({ searchEntries: entries } = await client.search(settings.userBaseDn, {
          scope: 'sub',
          filter: `(&${everyone}${equalsFilter('memberOf', group.dn)})`,
          attributes: personAttributes,
          paged: { pageSize: 500 },
        }));
      } else if (membership === 'memberUid') {
        const logins = values(group, 'memberUid');
        for (let start = 0; start < logins.length; start += 50) {
          const batch = logins
            .slice(start, start + 50)
            .map((login) => equalsFilter(attributes.username, login))
            .join('');
          const { searchEntries: found } = await client.search(settings.userBaseDn, {
            scope: 'sub',
            filter: `(&${everyone}(|${batch}))`,
            attributes: personAttributes,
            paged: { pageSize: 500 },
          });
          entries.push(...found);
        }
      } else {
        // member / uniqueMember hold DNs (uniqueMember may end in #'…'B): read each entry.
        const dns = values(group, membership).map((dn) => dn.replace(/#'[01]*'B$/, ''));
        entries = await readEntries(client, dns, everyone, personAttributes);
      }
      const people = entries.map((entry) => this.personOf(entry));
      const members = uniquePeople(people.filter((person): person is DirectoryPerson => person !== null));
      const withoutEmailNames = entries
        .filter((_, index) => people[index] === null)
        .map((entry) => (values(entry, attributes.name)[0] ?? '').trim() || (values(entry, attributes.username)[0] ?? '').trim() || entry.dn)
        .sort((a, b) => a.localeCompare(b));
      return { name: groupName, members, withoutEmail: withoutEmailNames.length, withoutEmailNames };
    });
  }

  private requireSettings(): LdapSettings {
    if (!this.config.ldap) throw new DirectoryNotConfigured();
    return this.config.ldap;
  }

  private personOf(entry: Entry): DirectoryPerson | null {
    const { attributes } = this.config.ldap!;
    const email = (values(entry, attributes.email)[0] ?? '').trim().toLowerCase();
    if (!email) return null;
    return { email, name: (values(entry, attributes.name)[0] ?? '').trim() };
  }

  /** Group names from memberOf, or from searching group entries that name the person. */
  private async groupsOf(client: Client, settings: LdapSettings, entry: Entry): Promise<string[]> {
    const { membership, nameAttribute, baseDn, filter } = settings.groups;
    if (membership === 'memberOf') {
      return values(entry, 'memberOf')
        .map((dn) => firstRdnValue(dn, nameAttribute))
        .filter((name): name is string => name !== null);
    }
    const member =
      membership === 'memberUid' ? equalsFilter('memberUid', values(entry, settings.attributes.username)[0] ?? '') : equalsFilter(membership, entry.dn);
    const { searchEntries } = await client.search(baseDn!, {
      scope: 'sub',
      filter: `(&${filter}${member})`,
      attributes: [nameAttribute],
      paged: { pageSize: 500 },
    });
    return searchEntries.map((group) => values(group, nameAttribute)[0] ?? firstRdnValue(group.dn, nameAttribute)).filter((name): name is string => !!name);
  }

  /** The password check: a bind as the person, on a connection of its own. */
  private async bindAs(settings: LdapSettings, dn: string, password: string): Promise<void> {
    const client = await this.connect(settings);
    try {
      await client.bind(dn, password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new InvalidCredentials('wrong_password');
      if (isDirectoryAnswer(error)) {
        // E.g. Active Directory's "account locked/expired" answers; still "wrong username or password".
        this.logger.warn(`LDAP bind as ${dn} refused: ${(error as Error).message}`);
        throw new InvalidCredentials('wrong_password');
      }
      throw error;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private uniqueIdOf(entry: Entry): string | null {
    const attribute = this.config.ldap!.attributes.unique;
    const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
    const raw = key ? entry[key] : undefined;
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (Buffer.isBuffer(first)) return first.length ? guidToString(first) : null;
    return typeof first === 'string' && first.trim() ? first.trim() : null;
  }

  private bufferAttributes(): string[] {
    const attribute = this.config.ldap!.attributes.unique;
    return attribute.toLowerCase() === 'objectguid' ? [attribute] : [];
  }

  private async connect(settings: LdapSettings): Promise<Client> {
    if (settings.caFile && !this.ca) this.ca = readFileSync(settings.caFile);
    const tlsOptions = this.ca ? { ca: [this.ca] } : {};
    const client = new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs, tlsOptions, strictDN: false });
    if (settings.startTls) await client.startTLS(tlsOptions);
    return client;
  }

  /**
   * A connection bound as the search account (anonymous when none is configured), closed
   * afterwards. The directory not answering becomes `unavailable`; the directory answering but
   * refusing the search account, a base DN or the search becomes `misconfigured` (an
   * administrator's job). The directory's URL goes to the log only, never into the error.
   */
  private async withServiceClient<T>(failures: DirectoryFailures, work: (client: Client) => Promise<T>): Promise<T> {
    const settings = this.config.ldap!;
    let client: Client | undefined;
    try {
      client = await this.connect(settings);
      if (settings.bindDn) {
        try {
          await client.bind(settings.bindDn, settings.bindPassword ?? '');
        } catch (error) {
          if (!isDirectoryAnswer(error) || isDirectoryBusy(error)) throw error;
          this.logger.error({ err: error }, `the LDAP search account ${settings.bindDn} cannot bind; check LDAP_BIND_DN and LDAP_BIND_PASSWORD`);
          throw failures.misconfigured('the search account cannot bind (LDAP_BIND_DN, LDAP_BIND_PASSWORD)');
        }
      }
      return await work(client);
    } catch (error) {
      if (error instanceof DomainError) throw error; // decided above
      if (error instanceof NoSuchObjectError) {
        this.logger.error({ err: error }, 'an LDAP base DN does not exist; check LDAP_USER_BASE_DN and LDAP_GROUP_BASE_DN');
        throw failures.misconfigured('a configured base DN does not exist (LDAP_USER_BASE_DN, LDAP_GROUP_BASE_DN)');
      }
      if (isDirectoryAnswer(error) && !isDirectoryBusy(error)) {
        this.logger.error({ err: error }, `the directory at ${settings.url} refused a search: ${(error as Error).message}`);
        throw failures.misconfigured('the directory refused the search');
      }
      this.logger.error({ err: error }, `the directory at ${settings.url} did not answer`);
      throw failures.unavailable('the directory did not answer');
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }
}

const directoryFailures: DirectoryFailures = {
  unavailable: (detail) => new DirectoryUnavailable(detail),
  misconfigured: (detail) => new DirectoryMisconfigured(detail),
};

/**
 * An attribute's values as strings, whatever case the server spells its name in (and the first
 * range Active Directory returns of a large `member;range=0-1499`).
 */
function values(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  const key =
    Object.keys(entry).find((name) => name.toLowerCase() === wanted) ?? Object.keys(entry).find((name) => name.toLowerCase().startsWith(`${wanted};range=`));
  const raw = key ? entry[key] : undefined;
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
}

/** Each email once, sorted by email (for LDAP and Keycloak results alike). */
export function uniquePeople(people: DirectoryPerson[]): DirectoryPerson[] {
  const byEmail = new Map<string, DirectoryPerson>();
  for (const person of people) if (!byEmail.has(person.email)) byEmail.set(person.email, person);
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}

/** Base-scope reads of many DNs over one connection, a few at a time; missing entries are skipped. */
async function readEntries(client: Client, dns: string[], filter: string, attributes: string[]): Promise<Entry[]> {
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
