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

  it('refuses session limits out of range and an OIDC scope list without openid', () => {
    expect(errorOf({ SESSION_IDLE_MINUTES: '0' }).message).toContain('SESSION_IDLE_MINUTES must be between 1 and 10080');
    expect(errorOf({ OIDC_SCOPES: 'email profile' }).message).toContain('OIDC_SCOPES must include the scope openid');
  });

  it('takes a Jitsi server to create at boot only complete, and names what is missing', () => {
    expect(loadConfig({}).jitsiBootstrap).toBeUndefined();
    const error = errorOf({ JITSI_URL: 'https://meet.school.test' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['JITSI_APP_ID', 'JITSI_APP_SECRET', 'JITSI_DOMAIN']);
    const config = loadConfig({ JITSI_URL: 'https://meet.school.test/', JITSI_DOMAIN: 'meet.jitsi', JITSI_APP_ID: 'moderato', JITSI_APP_SECRET: 's'.repeat(32) });
    expect(config.jitsiBootstrap).toEqual({ baseUrl: 'https://meet.school.test', xmppDomain: 'meet.jitsi', appId: 'moderato', appSecret: 's'.repeat(32), audience: 'jitsi' });
    expect(errorOf({ JITSI_URL: 'https://m.test', JITSI_DOMAIN: 'meet.jitsi', JITSI_APP_ID: 'x', JITSI_APP_SECRET: 'short-and-secret' }).message).not.toContain('short-and-secret');
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
