import { Injectable, Logger } from '@nestjs/common';
import type { Client, Entry } from 'ldapts';
import { AppConfig, type LdapSettings } from '@moderato/config';
import { InvalidCredentials, LoginFailed } from '../identity.errors';
import type { IdentityProfile } from '../users.service';
import { LdapConnection, signInFailures } from './ldap-connection';
import { values } from './ldap-entries';
import { equalsFilter, firstRdnValue, guidToString, userFilterFor } from './ldap-filter';

const MAX_USERNAME_LENGTH = 256;

/**
 * Sign-in with direct LDAP (ldapts): service bind → search → bind as the person, their groups as
 * roles. Login names only ever reach a filter escaped. (People and group search for invitations:
 * LdapDirectoryService.)
 */
@Injectable()
export class LdapService {
  private readonly logger = new Logger('Ldap');

  constructor(
    private readonly config: AppConfig,
    private readonly connection: LdapConnection,
  ) {}

  get enabled(): boolean {
    return this.config.ldap !== undefined;
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

    return this.connection.withServiceClient(signInFailures, async (service) => {
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
        await this.connection.bindAs(settings, `cn=moderato-no-such-user,${settings.userBaseDn}`, password).catch(() => undefined);
        throw new InvalidCredentials('unknown_user');
      }
      if (searchEntries.length > 1) {
        this.logger.warn(`LDAP_USER_FILTER finds ${searchEntries.length} entries for one login name; refusing the sign-in`);
        throw new InvalidCredentials('ambiguous_user');
      }
      const entry = searchEntries[0];
      await this.connection.bindAs(settings, entry.dn, password);

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
}
