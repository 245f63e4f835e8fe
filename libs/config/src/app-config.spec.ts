import { Test } from '@nestjs/testing';
import { AppConfig, ConfigError, ConfigModule, loadConfig } from './index';

const key32 = Buffer.alloc(32, 1).toString('base64');

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('gives a working development configuration with no variables set', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/moderato');
    expect(config.database.migrateOnBoot).toBe(true);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.secrets.secretsKey).toHaveLength(32);
    expect(config.defaultLocale).toBe('en');
  });

  it('converts values to their types and strips a trailing slash from PUBLIC_URL', () => {
    const config = loadConfig({ PORT: '8080', PUBLIC_URL: 'https://moderato.school.org/', DB_MIGRATE_ON_BOOT: 'false', TRUST_PROXY: '1' });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('https://moderato.school.org');
    expect(config.database.migrateOnBoot).toBe(false);
    expect(config.trustProxy).toBe(1);
  });

  it('treats an empty value as unset, so "FOO=" in a .env file falls back to the default', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '  ' }).port).toBe(3000);
  });

  it('names every bad variable in one message, with what it expects', () => {
    const error = errorOf({ PORT: 'eighty', PUBLIC_URL: 'moderato.local', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEFAULT_LOCALE: 'fr' });
    const variables = error.problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'DEFAULT_LOCALE', 'LOG_LEVEL', 'PORT', 'PUBLIC_URL']);
    expect(error.message).toContain('PORT must be a TCP port number (1-65535) (got "eighty")');
    expect(error.message).toContain('PUBLIC_URL must be the absolute http(s) URL');
    expect(error.message).toContain('DEFAULT_LOCALE must be one of en, de (got "fr")');
    expect(error.message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(5);
  });

  it('refuses a port outside 1-65535', () => {
    expect(errorOf({ PORT: '70000' }).message).toContain('PORT must be a TCP port number');
  });

  it('requires the secrets in production and says how to make them', () => {
    const error = errorOf({ NODE_ENV: 'production' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['COOKIE_SECRET', 'OIDC_ISSUER', 'SECRETS_KEY']);
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).toContain('(not set)');
  });

  it('accepts production with proper secrets, and does not migrate at boot unless asked', () => {
    const production = { NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), SECRETS_KEY: key32, OIDC_ISSUER: 'https://idp.school.test/realms/school' };
    const config = loadConfig(production);
    expect(config.isProduction).toBe(true);
    expect(config.database.migrateOnBoot).toBe(false);
    expect(config.oidc.allowInsecureHttp).toBe(false);
    expect(config.oidc.clientSecret).toBeUndefined(); // a public client unless a secret is given
    expect(loadConfig({ ...production, DB_MIGRATE_ON_BOOT: 'true' }).database.migrateOnBoot).toBe(true);
  });

  it('never echoes a secret value in the error', () => {
    const error = errorOf({ COOKIE_SECRET: 'short-but-secret', SECRETS_KEY: 'not-base64-of-32-bytes', DATABASE_URL: 'pg://user:hunter2@db' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['COOKIE_SECRET', 'DATABASE_URL', 'SECRETS_KEY']);
    expect(error.message).not.toContain('short-but-secret');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('not-base64-of-32-bytes');
    expect(error.message).toContain('value hidden');
  });

  it('maps the identity settings: role lists, claim paths with the client id, session limits', () => {
    const config = loadConfig({
      OIDC_CLIENT_ID: 'school-portal',
      ORGANIZER_ROLES: 'teachers, staff',
      ADMIN_ROLES: 'it-admins',
      SESSION_IDLE_MINUTES: '30',
      SESSION_MAX_HOURS: '12',
    });
    expect(config.oidc.roleClaims).toEqual(['realm_access.roles', 'resource_access.school-portal.roles', 'groups', 'roles']);
    expect(config.roles).toEqual({ organizer: ['teachers', 'staff'], admin: ['it-admins'] });
    expect(config.session).toEqual({ idleMinutes: 30, maxHours: 12 });
    expect(config.oidc.issuer).toBe('http://localhost:4000');
  });

  it('retries mail for MAIL_RETRY_HOURS (48 by default, like a mail server), 1 to 720', () => {
    expect(loadConfig({}).mail.retryHours).toBe(48);
    expect(loadConfig({ MAIL_RETRY_HOURS: '4' }).mail.retryHours).toBe(4);
    expect(errorOf({ MAIL_RETRY_HOURS: '0' }).message).toContain('MAIL_RETRY_HOURS must be between 1 and 720');
    expect(errorOf({ MAIL_RETRY_HOURS: 'two days' }).message).toContain('MAIL_RETRY_HOURS must be a whole number of hours');
  });

  it('refuses session limits out of range and an OIDC scope list without openid', () => {
    expect(errorOf({ SESSION_IDLE_MINUTES: '0' }).message).toContain('SESSION_IDLE_MINUTES must be between 1 and 10080');
    expect(errorOf({ OIDC_SCOPES: 'email profile' }).message).toContain('OIDC_SCOPES must include the scope openid');
  });

  it('takes a Jitsi server to create at boot only complete, and names what is missing', () => {
    expect(loadConfig({}).jitsiBootstrap).toBeUndefined();
    const error = errorOf({ JITSI_URL: 'https://meet.school.test' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['JITSI_APP_ID', 'JITSI_APP_SECRET', 'JITSI_DOMAIN']);
    const config = loadConfig({
      JITSI_URL: 'https://meet.school.test/',
      JITSI_DOMAIN: 'meet.jitsi',
      JITSI_APP_ID: 'moderato',
      JITSI_APP_SECRET: 's'.repeat(32),
    });
    expect(config.jitsiBootstrap).toEqual({
      baseUrl: 'https://meet.school.test',
      xmppDomain: 'meet.jitsi',
      appId: 'moderato',
      appSecret: 's'.repeat(32),
      audience: 'jitsi',
    });
    expect(errorOf({ JITSI_URL: 'https://m.test', JITSI_DOMAIN: 'meet.jitsi', JITSI_APP_ID: 'x', JITSI_APP_SECRET: 'short-and-secret' }).message).not.toContain(
      'short-and-secret',
    );
  });

  describe('direct LDAP', () => {
    const ldap = { LDAP_URL: 'ldaps://ldap.school.test', LDAP_USER_BASE_DN: 'ou=people,dc=school,dc=test' };
    const production = { NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), SECRETS_KEY: key32 };

    it('is off by default, and OpenID Connect on', () => {
      const config = loadConfig({});
      expect(config.ldap).toBeUndefined();
      expect(config.oidc.enabled).toBe(true);
    });

    it('maps the settings, with a stable server id; LDAP alone turns OpenID Connect off', () => {
      const config = loadConfig({
        ...ldap,
        LDAP_BIND_DN: 'cn=moderato,dc=school,dc=test',
        LDAP_BIND_PASSWORD: 'pw',
        LDAP_GROUP_BASE_DN: 'ou=groups,dc=school,dc=test',
      });
      expect(config.ldap).toMatchObject({
        url: 'ldaps://ldap.school.test',
        serverId: 'ldap:ldap.school.test:636/ou=people,dc=school,dc=test',
        userFilter: '(&(objectClass=person)(uid={username}))',
        attributes: { username: 'uid', email: 'mail', name: 'cn', unique: 'entryUUID' },
        groups: { membership: 'memberOf', baseDn: 'ou=groups,dc=school,dc=test', nameAttribute: 'cn' },
        startTls: false,
        timeoutMs: 5000,
      });
      expect(config.oidc.enabled).toBe(false);
      expect(loadConfig({ ...ldap, OIDC_ISSUER: 'https://idp.school.test' }).oidc.enabled).toBe(true);
    });

    it('needs no OIDC_ISSUER in production when LDAP is the sign-in', () => {
      expect(loadConfig({ ...production, ...ldap }).oidc.enabled).toBe(false);
    });

    it('refuses plain ldap:// in production unless StartTLS or explicitly allowed', () => {
      const plain = { ...production, ...ldap, LDAP_URL: 'ldap://ldap.school.test' };
      expect(errorOf(plain).problems.map((p) => p.variable)).toEqual(['LDAP_URL']);
      expect(loadConfig({ ...plain, LDAP_STARTTLS: 'true' }).ldap?.startTls).toBe(true);
      expect(loadConfig({ ...plain, LDAP_ALLOW_PLAINTEXT: 'true' }).ldap?.serverId).toBe('ldap:ldap.school.test:389/ou=people,dc=school,dc=test');
      expect(errorOf({ ...ldap, LDAP_STARTTLS: 'true' }).problems.map((p) => p.variable)).toEqual(['LDAP_STARTTLS']);
    });

    it('names what is missing or malformed', () => {
      const error = errorOf({ LDAP_URL: 'http://ldap', LDAP_BIND_DN: 'cn=x', LDAP_USER_FILTER: '(uid=alice)', LDAP_GROUP_MEMBERSHIP: 'member' });
      expect(error.problems.map((p) => p.variable).sort()).toEqual([
        'LDAP_BIND_PASSWORD',
        'LDAP_GROUP_BASE_DN',
        'LDAP_URL',
        'LDAP_USER_BASE_DN',
        'LDAP_USER_FILTER',
      ]);
      const hidden = errorOf({ ...ldap, LDAP_BIND_DN: 'cn=x', LDAP_BIND_PASSWORD: 's3cret-value', LDAP_TIMEOUT_MS: '99' });
      expect(hidden.problems.map((p) => p.variable)).toEqual(['LDAP_TIMEOUT_MS']);
      expect(errorOf({ ...ldap, LDAP_CA_FILE: '/nonexistent/ca.pem' }).problems.map((p) => p.variable)).toEqual(['LDAP_CA_FILE']);
    });
  });

  it('refuses a SECRETS_KEY of the wrong length', () => {
    const error = errorOf({ SECRETS_KEY: Buffer.alloc(16).toString('base64') });
    expect(error.message).toContain('SECRETS_KEY must be 32 random bytes in base64');
  });
});

describe('ConfigModule', () => {
  it('stops the application from booting when the environment is invalid', async () => {
    await expect(async () =>
      Test.createTestingModule({ imports: [ConfigModule.forRoot({ env: { PORT: 'x', REDIS_URL: 'localhost' } })] }).compile(),
    ).rejects.toThrow(/PORT must be a TCP port number[\s\S]*REDIS_URL must be a Redis URL/);
  });

  it('provides the typed configuration to services', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot({ env: { PORT: '4321' } })] }).compile();
    expect(moduleRef.get(AppConfig).port).toBe(4321);
  });
});
