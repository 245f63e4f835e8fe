/**
 * Jest global teardown: stops the test OpenLDAP (libs/testing/ldap) when this run started it;
 * one that was running before the run is left alone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function globalTeardown(): void {
  if ((globalThis as { __moderatoLdapWasRunning?: boolean }).__moderatoLdapWasRunning !== false) return;
  try {
    execFileSync('bash', [join(__dirname, '..', 'ldap', 'slapd.sh'), 'stop'], { stdio: 'ignore', timeout: 30_000 });
  } catch {
    // nothing was started, or it is gone already
  }
}
