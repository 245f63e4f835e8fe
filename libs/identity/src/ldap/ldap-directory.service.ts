import { Injectable } from '@nestjs/common';
import type { Entry } from 'ldapts';
import { AppConfig, type LdapSettings } from '@moderato/config';
import { uniquePeople, type Directory, type DirectoryGroup, type DirectoryGroupMembers, type DirectoryPerson } from '../directory';
import { DirectoryGroupNotFound, DirectoryGroupUnreadable, DirectoryNotConfigured } from '../identity.errors';
import { LdapConnection, directoryFailures } from './ldap-connection';
import { MEMBERSHIP_ATTRIBUTES, readEntries, readableMemberCount, values } from './ldap-entries';
import { containsFilter, equalsFilter, everyoneFilter, firstRdnValue } from './ldap-filter';

/**
 * People and groups of the LDAP directory, for invitations: search them, list a group's members
 * with their email addresses. What people type only ever reaches a filter escaped.
 */
@Injectable()
export class LdapDirectoryService implements Directory {
  constructor(
    private readonly config: AppConfig,
    private readonly connection: LdapConnection,
  ) {}

  get enabled(): boolean {
    return this.config.ldap !== undefined;
  }

  /** Whether groups can be searched and invited (a group base DN is configured). */
  get groupsSearchable(): boolean {
    return this.config.ldap?.groups.baseDn !== undefined;
  }

  /** People whose name, email or login name contains `text` (and who have an email address). */
  async searchPeople(text: string, limit = 20): Promise<DirectoryPerson[]> {
    const settings = this.requireSettings();
    const { attributes } = settings;
    return this.connection.withServiceClient(directoryFailures, async (client) => {
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
    return this.connection.withServiceClient(directoryFailures, async (client) => {
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
    return this.connection.withServiceClient(directoryFailures, async (client) => {
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
}
