import { TEST_LDAP_PORT, freePort, startTestLdap, testConfig } from '@moderato/testing';
import {
  DirectoryGroupNotFound,
  DirectoryGroupUnreadable,
  DirectoryMisconfigured,
  DirectoryUnavailable,
  InvalidCredentials,
  SignInUnavailable,
} from '../identity.errors';
import { LdapConnection } from './ldap-connection';
import { LdapDirectoryService } from './ldap-directory.service';
import { LdapService } from './ldap.service';

/** LdapService (sign-in) and LdapDirectoryService (search) against the real throwaway OpenLDAP of libs/testing/ldap. */
describe('LdapService and LdapDirectoryService (real OpenLDAP)', () => {
  let env: Record<string, string>;
  const configWith = (overrides: Record<string, string>) => testConfig('postgres://postgres@127.0.0.1:5432/unused', { ...env, ...overrides });
  const serviceWith = (overrides: Record<string, string> = {}) => {
    const config = configWith(overrides);
    return new LdapService(config, new LdapConnection(config));
  };
  const directoryWith = (overrides: Record<string, string> = {}) => {
    const config = configWith(overrides);
    return new LdapDirectoryService(config, new LdapConnection(config));
  };

  beforeAll(async () => {
    ({ env } = await startTestLdap());
  });

  it('signs in a teacher: profile from the entry, groups (memberOf) as roles, keyed by entryUUID', async () => {
    const profile = await serviceWith().authenticate('teacher', 'teacher-pw');
    expect(profile).toMatchObject({
      issuer: `ldap:127.0.0.1:${TEST_LDAP_PORT}/ou=people,dc=school,dc=test`,
      email: 'tina.lehrer@school.test',
      emailVerified: true,
      displayName: 'Tina Lehrer',
      idpRoles: ['teachers'],
    });
    expect(profile.subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const student = await serviceWith().authenticate('  student ', 'student-pw');
    expect(student).toMatchObject({ displayName: 'Sam Schüler', idpRoles: ['students'] });
    expect(student.subject).not.toBe(profile.subject);
  });

  it.each(['member', 'memberUid'])('finds the groups by searching group entries (%s)', async (membership) => {
    const service = serviceWith({ LDAP_GROUP_MEMBERSHIP: membership });
    const roles = (await service.authenticate('student', 'student-pw')).idpRoles;
    expect(roles).toEqual(membership === 'member' ? ['students'] : ['chess-club']);
    if (membership === 'member') expect((await service.authenticate('k7b01', 'k7b01-pw')).idpRoles).toEqual(['7b', 'students']);
  });

  it.each<[string, unknown, unknown, string]>([
    ['a wrong password', 'teacher', 'wrong', 'wrong_password'],
    ['an empty password', 'teacher', '', 'empty_password'],
    ['no password at all', 'teacher', undefined, 'empty_password'],
    ['an unknown user', 'nobody', 'whatever', 'unknown_user'],
    ['an empty username', '  ', 'teacher-pw', 'invalid_username'],
    ['"*" as username', '*', 'teacher-pw', 'unknown_user'],
    ['")(" as username', ')(', 'teacher-pw', 'unknown_user'],
    ['"\\00" as username', '\\00', 'teacher-pw', 'unknown_user'],
    ['a NUL character in the username', 'teacher\u0000', 'teacher-pw', 'invalid_username'],
    ['a filter injection', 'teacher)(uid=*', 'teacher-pw', 'unknown_user'],
    ['an injection that would match everyone', '*)(|(uid=*', 'teacher-pw', 'unknown_user'],
    ['"te*" (a wildcard)', 'te*', 'teacher-pw', 'unknown_user'],
  ])('refuses %s', async (_what, username, password, problem) => {
    const attempt = serviceWith().authenticate(username, password);
    await expect(attempt).rejects.toBeInstanceOf(InvalidCredentials);
    await expect(attempt).rejects.toMatchObject({ problem, code: 'LOGIN_FAILED', details: { failure: 'invalid_credentials' } });
  });

  it('never binds with an empty password, not even when the directory is down', async () => {
    const down = serviceWith({ LDAP_URL: `ldap://127.0.0.1:${await freePort()}` });
    await expect(down.authenticate('teacher', '')).rejects.toMatchObject({ problem: 'empty_password' });
  });

  it('says "unavailable" when the directory does not answer, "misconfigured" when it refuses the search account; never with its URL', async () => {
    const url = `ldap://127.0.0.1:${await freePort()}`;
    const down = serviceWith({ LDAP_URL: url });
    await expect(down.authenticate('teacher', 'teacher-pw')).rejects.toMatchObject({ code: 'SIGN_IN_UNAVAILABLE', details: { source: 'ldap', cause: 'down' } });
    const unanswered = await directoryWith({ LDAP_URL: url })
      .searchPeople('anna')
      .catch((error: unknown) => error);
    expect(unanswered).toBeInstanceOf(DirectoryUnavailable);
    expect(JSON.stringify((unanswered as DirectoryUnavailable).details)).not.toContain(url);
    const wrongAccount = serviceWith({ LDAP_BIND_PASSWORD: 'not-the-password' });
    await expect(wrongAccount.authenticate('teacher', 'teacher-pw')).rejects.toBeInstanceOf(SignInUnavailable);
    await expect(wrongAccount.authenticate('teacher', 'teacher-pw')).rejects.toMatchObject({ details: { source: 'ldap', cause: 'configuration' } });
    await expect(directoryWith({ LDAP_BIND_PASSWORD: 'not-the-password' }).searchGroups('7b')).rejects.toBeInstanceOf(DirectoryMisconfigured);
    await expect(directoryWith({ LDAP_GROUP_BASE_DN: 'ou=nowhere,dc=school,dc=test' }).searchGroups('7b')).rejects.toBeInstanceOf(DirectoryMisconfigured);
  });

  it('searches people and groups for invitations, literally', async () => {
    const service = directoryWith();
    expect(await service.searchPeople('lehrer')).toEqual([{ email: 'tina.lehrer@school.test', name: 'Tina Lehrer' }]);
    expect(await service.searchPeople('*')).toEqual([]);
    expect((await service.searchPeople('k7b0')).length).toBe(9);
    expect(await service.searchGroups('7')).toEqual([{ name: '7b', memberCount: 30 }]);
    // chess-club is a posixGroup: memberOf cannot read its members, so it is not offered.
    expect((await service.searchGroups('s')).map((g) => g.name)).toEqual(['admins', 'students', 'teachers']);
    expect(await directoryWith({ LDAP_GROUP_MEMBERSHIP: 'memberUid' }).searchGroups('chess')).toEqual([{ name: 'chess-club', memberCount: 2 }]);
    expect(await directoryWith({ LDAP_GROUP_MEMBERSHIP: 'member' }).searchGroups('chess')).toEqual([]);
  });

  it.each(['memberOf', 'member'])('refuses to list a posixGroup under %s instead of returning nobody', async (membership) => {
    await expect(directoryWith({ LDAP_GROUP_MEMBERSHIP: membership }).groupMembers('chess-club')).rejects.toBeInstanceOf(DirectoryGroupUnreadable);
    const club = await directoryWith({ LDAP_GROUP_MEMBERSHIP: 'memberUid' }).groupMembers('chess-club');
    expect(club.members.map((m) => m.email)).toEqual(['anna.k7b01@school.test', 'sam.schueler@school.test']);
  });

  it.each(['memberOf', 'member'])('names the members without an email address (%s)', async (membership) => {
    const choir = await directoryWith({ LDAP_GROUP_MEMBERSHIP: membership }).groupMembers('choir');
    expect(choir).toMatchObject({ name: 'choir', withoutEmail: 1, withoutEmailNames: ['Nora Ohnemail'] });
    expect(choir.members).toHaveLength(2);
  });

  it.each(['memberOf', 'member'])('lists the 30 members of class 7b with their emails (%s)', async (membership) => {
    const group = await directoryWith({ LDAP_GROUP_MEMBERSHIP: membership }).groupMembers('7b');
    expect(group.name).toBe('7b');
    expect(group.members).toHaveLength(30);
    expect(group.withoutEmail).toBe(0);
    expect(group.members[0]).toEqual({ email: 'anna.k7b01@school.test', name: 'Anna Klasse01' });
    await expect(directoryWith().groupMembers('7*')).rejects.toBeInstanceOf(DirectoryGroupNotFound);
  });
});
