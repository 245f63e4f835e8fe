import { createTestDatabase, startSmtpSink, startTestLdap, testRedisUrl, type SmtpSink, type TestDatabase } from '@moderato/testing';
import { assertBuilt, runCli } from './cli-process';

interface DoctorResult {
  id: string;
  status: string;
  title: string;
  fix?: string;
}

/** A school that signs in with LDAP only (no OpenID provider): what `moderato doctor` says about sign-in. */
describe('moderato doctor with LDAP as the only sign-in (built, against a real OpenLDAP)', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let env: Record<string, string>;

  const doctor = async (extra: Record<string, string> = {}) => {
    const run = await runCli(['doctor', '--json'], { ...env, ...extra });
    return { code: run.code, results: (JSON.parse(run.stdout) as { checks: DoctorResult[] }).checks };
  };

  beforeAll(async () => {
    assertBuilt();
    const ldap = await startTestLdap();
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    env = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Moderato <moderato@school.test>',
      ...ldap.env,
    };
  });

  afterAll(async () => {
    await smtp?.stop();
    await db?.drop();
  });

  it('does not fail an OpenID check nobody uses, and checks the directory instead', async () => {
    const { results } = await doctor();
    const oidc = results.find((result) => result.id === 'oidc.discovery');
    expect(oidc).toMatchObject({ status: 'skip', title: expect.stringContaining('LDAP is the only sign-in') });
    expect(results.find((result) => result.id === 'ldap')).toMatchObject({
      status: 'ok',
      title: expect.stringContaining('the search account cn=moderato,ou=services,dc=school,dc=test can read ou=people,dc=school,dc=test'),
    });
  });

  it('names the setting to fix when the search account cannot bind, without the password', async () => {
    const { code, results } = await doctor({ LDAP_BIND_PASSWORD: 'not-the-service-secret' });
    expect(code).toBe(1);
    const ldap = results.find((result) => result.id === 'ldap')!;
    expect(ldap.status).toBe('fail');
    expect(ldap.title).toContain('the search account cannot bind');
    expect(ldap.fix).toContain('LDAP_BIND_PASSWORD');
    expect(JSON.stringify(results)).not.toContain('not-the-service-secret');
  });

  it('says the directory does not answer when nothing listens at LDAP_URL', async () => {
    const { results } = await doctor({ LDAP_URL: 'ldap://127.0.0.1:9', LDAP_TIMEOUT_MS: '1000' });
    const ldap = results.find((result) => result.id === 'ldap')!;
    expect(ldap.status).toBe('fail');
    expect(ldap.title).toContain('the directory did not answer');
    expect(ldap.fix).toContain('LDAP_URL');
  });
});
