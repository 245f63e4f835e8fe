import { Logger } from '@nestjs/common';
import type { AppConfig } from '@moderato/config';
import { DomainError } from '@moderato/core';
import { LdapConnection, type DirectoryFailures } from '@moderato/identity';
import { errorText } from '../redact';
import { fail, ok, type Report } from './check';

/** The doctor reports what went wrong instead of turning it into a sign-in page's error. */
const DOCTOR_FAILURES: DirectoryFailures = {
  unavailable: (detail) => new DomainError('LDAP_UNAVAILABLE', 'unavailable', detail),
  misconfigured: (detail) => new DomainError('LDAP_MISCONFIGURED', 'invalid', detail),
};

/**
 * LDAP (LDAP_URL set): the directory answers, the search account binds (anonymous when none is
 * configured) and can read LDAP_USER_BASE_DN — what every LDAP sign-in does first.
 */
export async function checkLdap(config: AppConfig, report: Report): Promise<void> {
  const ldap = config.ldap;
  if (!ldap) return;
  // LdapConnection logs its failures for the api's log; the doctor reports them itself, and its
  // --json output must stay JSON.
  Logger.overrideLogger(false);
  const account = ldap.bindDn ? `the search account ${ldap.bindDn}` : 'an anonymous search';
  try {
    await new LdapConnection(config).withServiceClient(DOCTOR_FAILURES, (client) => client.search(ldap.userBaseDn, { scope: 'base', attributes: ['1.1'] }));
    report(ok('ldap', `LDAP directory ${ldap.url} answers; ${account} can read ${ldap.userBaseDn}`));
  } catch (error) {
    const misconfigured = error instanceof DomainError && error.code === 'LDAP_MISCONFIGURED';
    report(
      fail(
        'ldap',
        `LDAP sign-in cannot work: ${error instanceof DomainError ? error.message : errorText(error)} (${ldap.url})`,
        misconfigured
          ? 'Check LDAP_BIND_DN, LDAP_BIND_PASSWORD and LDAP_USER_BASE_DN against the directory (docs/identity.md, "LDAP").'
          : 'Check LDAP_URL and that this machine reaches the directory (ldaps:// or LDAP_STARTTLS, LDAP_CA_FILE for a private CA).',
      ),
    );
  }
}
