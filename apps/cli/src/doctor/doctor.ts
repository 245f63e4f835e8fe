import { AppConfig, ConfigError, loadConfig } from '@moderato/config';
import { errorText } from '../redact';
import { withAppContext } from '../context';
import { fail, ok, skip, type CheckResult, type Report } from './check';
import { checkPostgres, checkRedis, checkSmtp } from './infrastructure.checks';
import { checkJitsiServers } from './jitsi.checks';
import { checkMailBacklog } from './mail.checks';
import { checkLdap } from './ldap.checks';
import { checkOidc } from './oidc.checks';
import { checkWorker } from './worker.checks';

export interface DoctorOptions {
  env: Record<string, string | undefined>;
  /** Send a test mail to this address. */
  mailTo?: string;
  /** Called with each result as soon as it is known. */
  onResult?: Report;
}

/**
 * Runs every check in order and returns the results. Checks that need something that failed
 * (the configuration, PostgreSQL) are reported as skipped, not as failures of their own.
 */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report: Report = (result) => {
    results.push(result);
    options.onResult?.(result);
  };

  let config: AppConfig;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) {
      report(
        fail(
          'config',
          `Configuration: ${problem.variable} ${problem.messages.join('; ')}`,
          `Set ${problem.variable} correctly (see docs/configuration.md); the api and worker refuse to start until then.`,
        ),
      );
    }
    report(skip('all', 'Other checks skipped: they need a valid configuration'));
    return results;
  }
  report(ok('config', `Configuration is valid (NODE_ENV=${config.nodeEnv}, PUBLIC_URL=${config.publicUrl})`));

  const database = await checkPostgres(config, report);
  await checkRedis(config, report);
  await checkSmtp(config, options.mailTo, report);
  if (config.oidc.enabled) await checkOidc(config, report);
  else report(skip('oidc.discovery', 'OpenID Connect sign-in is off: LDAP is the only sign-in (OIDC_ISSUER is not set)'));
  await checkLdap(config, report);

  if (database !== 'ready') {
    report(
      skip(
        'jitsi.servers',
        `Jitsi servers not checked: they are stored in PostgreSQL, ${database === 'down' ? 'which is not reachable' : 'whose schema is not migrated yet'}`,
      ),
    );
    return results;
  }
  try {
    await withAppContext(config, async (app) => {
      await checkMailBacklog(app, report);
      await checkWorker(app, report);
      await checkJitsiServers(app, config, report);
    });
  } catch (error) {
    report(fail('jitsi.servers', `Could not read the Jitsi servers: ${errorText(error)}`, 'Run the migrations (moderato migrate) and check DATABASE_URL.'));
  }
  return results;
}
