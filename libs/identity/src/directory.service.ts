import { Injectable } from '@nestjs/common';
import type { Directory, DirectoryGroup, DirectoryGroupMembers, DirectoryPerson } from './directory';
import { DirectoryNotConfigured } from './identity.errors';
import { KeycloakDirectoryService } from './keycloak-directory.service';
import { LdapDirectoryService } from './ldap/ldap-directory.service';

/**
 * The directory invitations search and invite whole groups from: LDAP when LDAP_URL is set, else
 * Keycloak's admin API when KEYCLOAK_ADMIN_CLIENT_ID is set, else none (DirectoryNotConfigured).
 */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly ldap: LdapDirectoryService,
    private readonly keycloak: KeycloakDirectoryService,
  ) {}

  get available(): boolean {
    return this.ldap.enabled || this.keycloak.enabled;
  }

  /** The directory in use; DirectoryNotConfigured when there is none (ask before other work). */
  configured(): Directory {
    if (this.ldap.enabled) return this.ldap;
    if (this.keycloak.enabled) return this.keycloak;
    throw new DirectoryNotConfigured();
  }

  /** People and groups whose names contain `text`. */
  async search(text: string): Promise<{ people: DirectoryPerson[]; groups: DirectoryGroup[] }> {
    const directory = this.configured();
    const [people, groups] = await Promise.all([directory.searchPeople(text), directory.searchGroups(text)]);
    return { people, groups };
  }

  /** The members of the group with this exact name, with their email addresses. */
  groupMembers(name: string): Promise<DirectoryGroupMembers> {
    return this.configured().groupMembers(name);
  }
}
