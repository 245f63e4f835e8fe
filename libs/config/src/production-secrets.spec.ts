import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEMO_SECRET_VALUES, loadConfig } from './index';
import { DEVELOPMENT_SECRETS } from './env-defaults';

const root = join(__dirname, '../../..');
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const realm = readFileSync(join(root, 'docker/keycloak/moderato-realm.json'), 'utf8');

const production = {
  NODE_ENV: 'production',
  COOKIE_SECRET: 'k9VJf2rL0pQx7sTz4mWc8bYh1nDg6aEu3oRi5vXq',
  SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
  OIDC_ISSUER: 'https://idp.school.test/realms/school',
  DATABASE_URL: 'postgres://moderato:3f9a0c2e7b1d4e6f@db.school.test:5432/moderato',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

/** The secret values the repository publishes: docker-compose.yml's defaults, the demo realm's client secret, the development defaults. */
function publishedDemoValues(): string[] {
  const secretNames = /SECRET|PASSWORD|KEY/;
  const defaults = [...compose.matchAll(/\$\{([A-Z_]+):-([^}]+)\}/g)].filter((match) => secretNames.test(match[1])).map((match) => match[2]);
  const realmSecrets = [...realm.matchAll(/"secret":\s*"([^"]+)"/g)].map((match) => match[1]);
  return [...defaults, ...realmSecrets, ...Object.values(DEVELOPMENT_SECRETS).filter((value) => !value.startsWith('http'))];
}

describe('secrets in production', () => {
  it('accepts proper secrets', () => {
    expect(loadConfig(production).isProduction).toBe(true);
  });

  it('lists every demo value docker-compose.yml, the demo realm and the development defaults publish', () => {
    const listed = new Set(DEMO_SECRET_VALUES.map((demo) => demo.value));
    const published = publishedDemoValues();
    expect(published).toEqual(expect.arrayContaining(['moderato', 'moderato-demo-client-secret-CHANGE-ME', 'admin']));
    expect(published.filter((value) => !listed.has(value))).toEqual([]);
  });

  it.each([
    ['COOKIE_SECRET', DEVELOPMENT_SECRETS.COOKIE_SECRET, 'openssl rand -base64 48'],
    ['COOKIE_SECRET', 'CHANGE-ME-demo-only-cookie-secret-use-openssl-rand-base64-48', 'openssl rand -base64 48'],
    ['SECRETS_KEY', DEVELOPMENT_SECRETS.SECRETS_KEY, 'openssl rand -base64 32'],
    ['SECRETS_KEY', 'CHANGE+ME+demo+only+key+openssl+rand+base64=', 'openssl rand -base64 32'],
    ['OIDC_CLIENT_SECRET', 'moderato-demo-client-secret-CHANGE-ME', 'identity provider'],
    ['OIDC_CLIENT_SECRET', DEVELOPMENT_SECRETS.OIDC_CLIENT_SECRET, 'identity provider'],
    ['DATABASE_URL', 'postgres://moderato:moderato@postgres:5432/moderato', 'openssl rand -hex 32'],
    ['COOKIE_SECRET', '<openssl rand -base64 48 and some more text>', 'openssl rand -base64 48'],
  ])('refuses %s set to a published demo value (#%#), naming it and the fix, not the value', (variable, value, fix) => {
    const error = errorOf({ ...production, [variable]: value });
    expect(error.problems.map((p) => p.variable)).toEqual([variable]);
    expect(error.message).toContain(`  - ${variable} `);
    expect(error.message).toContain(fix);
    expect(error.message).not.toContain(value.replace(/^postgres:\/\/moderato:/, '').split('@')[0]);
  });

  it('reports every problem in one message, one line per variable, with the too-short secrets', () => {
    const error = errorOf({
      ...production,
      COOKIE_SECRET: 'CHANGE-ME-demo-only-cookie-secret-use-openssl-rand-base64-48',
      SECRETS_KEY: 'c2hvcnQ=',
      OIDC_CLIENT_SECRET: 'moderato-demo-client-secret-CHANGE-ME',
      DATABASE_URL: 'postgres://moderato:moderato@postgres:5432/moderato',
      JITSI_URL: 'https://meet.school.test',
      JITSI_DOMAIN: 'meet.jitsi',
      JITSI_APP_ID: 'moderato',
      JITSI_APP_SECRET: 'too-short',
      SESSION_MAX_HOURS: '9999',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['COOKIE_SECRET', 'DATABASE_URL', 'JITSI_APP_SECRET', 'OIDC_CLIENT_SECRET', 'SECRETS_KEY']);
    expect(error.message).toContain('JITSI_APP_SECRET must be at least 32 characters');
    expect(error.message).toContain('SECRETS_KEY must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)');
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(5);
    for (const secret of ['CHANGE-ME-demo-only', 'c2hvcnQ=', 'moderato-demo-client-secret', 'too-short', ':moderato@'])
      expect(error.message).not.toContain(secret);
  });

  it('reports a demo secret together with a range problem found later', () => {
    const error = errorOf({ ...production, SESSION_MAX_HOURS: '9999', COOKIE_SECRET: DEVELOPMENT_SECRETS.COOKIE_SECRET });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['COOKIE_SECRET', 'SESSION_MAX_HOURS']);
  });

  it('lets development and tests run on the demo values (docker compose up, npm run dev)', () => {
    const demo = {
      COOKIE_SECRET: 'CHANGE-ME-demo-only-cookie-secret-use-openssl-rand-base64-48',
      SECRETS_KEY: 'CHANGE+ME+demo+only+key+openssl+rand+base64=',
      OIDC_CLIENT_SECRET: 'moderato-demo-client-secret-CHANGE-ME',
      DATABASE_URL: 'postgres://moderato:moderato@postgres:5432/moderato',
    };
    expect(loadConfig(demo).nodeEnv).toBe('development');
    expect(loadConfig({ ...demo, NODE_ENV: 'test' }).nodeEnv).toBe('test');
  });
});

describe('passwords in connection URLs', () => {
  it.each([
    ['DATABASE_URL', 'postgres://moderato:ab/cd+ef=@db.school.test:5432/moderato', 'ab/cd+ef='],
    ['DATABASE_URL', 'postgres://moderato:pw@ss@db.school.test:5432/moderato', 'pw@ss'],
    ['REDIS_URL', 'redis://:a/b?c@redis.school.test:6379/0', 'a/b?c'],
    ['SMTP_URL', 'smtp://moderato@school.org:pa#ss@mail.school.org:587', 'pa#ss'],
    ['SMTP_URL', 'smtp://moderato:100%sure@mail.school.org:587', '100%sure'],
  ])('refuses %s with an unencoded special character (#%#) and says how to encode it, in every environment', (variable, url, password) => {
    for (const NODE_ENV of ['development', 'production']) {
      const error = errorOf({ ...production, NODE_ENV, [variable]: url });
      expect(error.problems.map((p) => p.variable)).toEqual([variable]);
      expect(error.message).toContain('percent-encode the user name and password: / → %2F, @ → %40, + → %2B');
      expect(error.message).toContain('openssl rand -hex 32');
      expect(error.message).not.toContain(password);
    }
  });

  it('accepts percent-encoded passwords, and base64 characters that need no encoding (+ =)', () => {
    const encoded = encodeURIComponent('a/b+c@d=e:f?g#h%i');
    const config = loadConfig({
      ...production,
      DATABASE_URL: `postgres://moderato:${encoded}@db.school.test:5432/moderato`,
      REDIS_URL: `redis://default:${encoded}@redis.school.test:6379/2`,
      SMTP_URL: `smtp://moderato%40school.org:${encoded}@mail.school.org:587`,
    });
    expect(config.database.url).toContain(encoded);
    expect(loadConfig({ ...production, DATABASE_URL: 'postgres://moderato:ab+cd=@db:5432/moderato' }).database.url).toContain('ab+cd=');
  });

  it('refuses the demo password in production also when it is percent-encoded or in REDIS_URL and SMTP_URL', () => {
    const error = errorOf({
      ...production,
      DATABASE_URL: 'postgres://moderato:%6Doderato@postgres:5432/moderato',
      REDIS_URL: 'redis://:moderato@redis:6379',
      SMTP_URL: 'smtp://me:password@mail.school.test:587',
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'REDIS_URL', 'SMTP_URL']);
  });
});
