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

/** What a directory (LDAP or Keycloak) answers for invitations. */
export interface Directory {
  searchPeople(text: string): Promise<DirectoryPerson[]>;
  searchGroups(text: string): Promise<DirectoryGroup[]>;
  groupMembers(name: string): Promise<DirectoryGroupMembers>;
}

/** The most members one group invitation takes (the invitations API's limit too). */
export const MAX_GROUP_MEMBERS = 2000;

/** Each email once, sorted by email (for LDAP and Keycloak results alike). */
export function uniquePeople(people: DirectoryPerson[]): DirectoryPerson[] {
  const byEmail = new Map<string, DirectoryPerson>();
  for (const person of people) if (!byEmail.has(person.email)) byEmail.set(person.email, person);
  return [...byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
}
