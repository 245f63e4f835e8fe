import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { configVariables, parseEnvExample, renderConfigurationDoc } from './config-docs';

const root = join(__dirname, '../../..');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');
const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('has a row for every variable of the config class', () => {
    const variables = configVariables();
    expect(variables.length).toBeGreaterThan(20);
    expect(variables.filter((name) => !doc.includes(`| \`${name}\` |`))).toEqual([]);
  });

  it('is what `npm run docs:config` generates from the config class and .env.example (run it after changing either)', () => {
    expect(doc).toBe(renderConfigurationDoc(envExample));
  });

  it('the generator refuses a variable of the class that .env.example does not explain', () => {
    const withoutPort = envExample.replace(/^# HTTP port of the api process\.\nPORT=3000\n/m, '');
    expect(withoutPort).not.toContain('PORT=3000');
    expect(() => renderConfigurationDoc(withoutPort)).toThrow('Not documented in .env.example (add a commented line above each): PORT');
  });

  it("reads each variable's section, comment and default", () => {
    const parsed = parseEnvExample(envExample);
    expect(parsed.find((v) => v.name === 'REDIS_URL')).toMatchObject({ section: 'Data', commentedOut: false, example: 'redis://127.0.0.1:6379' });
    expect(parsed.find((v) => v.name === 'REDIS_URL')?.meaning).toMatch(/^Redis URL for the job queues/);
    expect(parsed.find((v) => v.name === 'DEV_MAIL_WEB_PORT')?.meaning).toMatch(/^Ports of the local mail catcher/);
    expect(doc).toContain('| `PORT` | `3000` | HTTP port of the api process. |');
    expect(doc).toContain('| `SECRETS_KEY` | **required in production**; a development value otherwise |');
    expect(doc).toMatch(/\| `NODE_ENV` \| `development` \| development \\\| test \\\| production\./);
  });

  it('says what production really requires: OIDC_ISSUER only while LDAP_URL is not set', () => {
    const production = { NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(() => loadConfig(production)).toThrow(/OIDC_ISSUER/);
    expect(loadConfig({ ...production, LDAP_URL: 'ldaps://ldap.school.test', LDAP_USER_BASE_DN: 'ou=people,dc=school,dc=test' }).oidc.enabled).toBe(false);
    expect(doc).toContain('`COOKIE_SECRET`, `SECRETS_KEY`, `OIDC_ISSUER` (unless `LDAP_URL` is set) are required.');
    expect(doc).toContain('| `OIDC_ISSUER` | **required in production unless `LDAP_URL` is set**; a development value otherwise |');
  });

  it('tells operators to migrate with `moderato migrate`, the command that works on a production install', () => {
    expect(doc).toContain('`moderato migrate`');
    expect(doc).not.toContain('migration:run');
  });
});
