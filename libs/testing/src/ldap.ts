import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The throwaway OpenLDAP of the tests (libs/testing/ldap): its port, and the script that runs it. */
export const TEST_LDAP_PORT = Number(process.env.LDAP_TEST_PORT || 38389);
export const TEST_LDAP_SCRIPT = join(__dirname, '..', 'ldap', 'slapd.sh');

/**
 * Starts the test directory unless it answers already (the Jest global teardown stops it again
 * when this run started it) and returns the environment that points Moderato at it: search
 * account, people and groups bases, groups by memberOf. People: teacher / teacher-pw (group
 * teachers), student / student-pw (students), admin / admin-pw (admins), nomail / nomail-pw (no
 * email), ctrlname / ctrlname-pw (control characters in its cn), k7b01…k7b30 / k7b01-pw…
 * (students and 7b, the 30-member class). Groups besides:
 * choir (k7b03, k7b04 and nomail, who has no email) and chess-club, a posixGroup (memberUid:
 * student, k7b01) that only LDAP_GROUP_MEMBERSHIP=memberUid can read.
 */
export async function startTestLdap(): Promise<{ url: string; env: Record<string, string> }> {
  try {
    await run('bash', [TEST_LDAP_SCRIPT, 'start'], { env: { ...process.env, LDAP_TEST_PORT: String(TEST_LDAP_PORT) }, timeout: 60_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`the test OpenLDAP did not start (${TEST_LDAP_SCRIPT} start): ${stderr || (error as Error).message}`, { cause: error });
  }
  const url = `ldap://127.0.0.1:${TEST_LDAP_PORT}`;
  return {
    url,
    env: {
      LDAP_URL: url,
      LDAP_BIND_DN: 'cn=moderato,ou=services,dc=school,dc=test',
      LDAP_BIND_PASSWORD: 'service-secret',
      LDAP_USER_BASE_DN: 'ou=people,dc=school,dc=test',
      LDAP_GROUP_BASE_DN: 'ou=groups,dc=school,dc=test',
      LDAP_GROUP_MEMBERSHIP: 'memberOf',
      LDAP_TIMEOUT_MS: '3000',
    },
  };
}

/** Whether the test directory answers right now. */
export async function testLdapRunning(): Promise<boolean> {
  try {
    await run('bash', [TEST_LDAP_SCRIPT, 'status'], { env: { ...process.env, LDAP_TEST_PORT: String(TEST_LDAP_PORT) }, timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
