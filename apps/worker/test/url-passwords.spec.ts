import Redis from 'ioredis';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { parse as parsePostgresUrl } from 'pg-connection-string';
import { DriverUtils } from 'typeorm/driver/DriverUtils';
import { loadConfig, urlCredentialProblem } from '@moderato/config';
import { redisOptionsFromUrl } from '@moderato/jobs';
import { smtpOptionsFromUrl } from '@moderato/mail';

/**
 * What the drivers make of a password with URL-special characters (as base64 passwords have) in
 * DATABASE_URL, REDIS_URL and SMTP_URL: percent-encoded, every parser Moderato uses reads it back
 * exactly; written raw, they read another host or user, or throw with the URL in the error, which
 * is why loadConfig refuses it with a message saying how to encode.
 */
const PASSWORD = 'a/b+c@d=e:f?g#h%i';
const ENCODED = encodeURIComponent(PASSWORD);

/** What pg will connect with (not in its type declarations). */
const pgParameters = (client: Client) =>
  (client as unknown as { connectionParameters: { user: string; password?: string; host: string } }).connectionParameters;

describe('percent-encoded passwords in connection URLs', () => {
  it('are accepted by the configuration', () => {
    const config = loadConfig({
      DATABASE_URL: `postgres://moderato:${ENCODED}@db.school.test:5432/moderato`,
      REDIS_URL: `redis://moderato:${ENCODED}@redis.school.test:6380/2`,
      SMTP_URL: `smtps://moderato%40school.test:${ENCODED}@mail.school.test`,
    });
    expect([config.database.url, config.redis.url, config.mail.smtpUrl].map(urlCredentialProblem)).toEqual([undefined, undefined, undefined]);
  });

  it('DATABASE_URL: TypeORM (which hands host, user and password to pg) and pg itself decode the password', () => {
    const url = `postgres://moderato:${ENCODED}@db.school.test:5432/moderato`;
    // TypeORM's own parsing of `url` (buildDataSourceOptions passes it; the postgres driver calls this)
    expect(DriverUtils.buildDriverOptions({ url })).toMatchObject({
      host: 'db.school.test',
      username: 'moderato',
      password: PASSWORD,
      port: 5432,
      database: 'moderato',
    });
    // pg parses `connectionString` again, and its result wins
    expect(parsePostgresUrl(url)).toMatchObject({ host: 'db.school.test', user: 'moderato', password: PASSWORD, database: 'moderato' });
    expect(pgParameters(new Client({ connectionString: url }))).toMatchObject({ user: 'moderato', password: PASSWORD, host: 'db.school.test' });
  });

  it('REDIS_URL: the options Moderato gives ioredis carry the decoded password, as ioredis would read the URL itself', () => {
    const url = `redis://moderato:${ENCODED}@redis.school.test:6380/2`;
    expect(redisOptionsFromUrl(url)).toMatchObject({ host: 'redis.school.test', port: 6380, username: 'moderato', password: PASSWORD, db: 2 });
    const client = new Redis(url, { lazyConnect: true });
    expect(client.options).toMatchObject({ host: 'redis.school.test', username: 'moderato', password: PASSWORD, db: 2 });
    client.disconnect();
  });

  it('SMTP_URL: the options Moderato gives nodemailer carry the decoded user and password, as nodemailer would read the URL itself', () => {
    const url = `smtp://moderato%40school.test:${ENCODED}@mail.school.test:587`;
    expect(smtpOptionsFromUrl(url)).toMatchObject({ host: 'mail.school.test', port: 587, auth: { user: 'moderato@school.test', pass: PASSWORD } });
    expect(createTransport(url).options).toMatchObject({ host: 'mail.school.test', auth: { user: 'moderato@school.test', pass: PASSWORD } });
  });
});

describe('unencoded passwords in connection URLs', () => {
  const raw = 'ab/cd+ef=';

  it('would be misread: TypeORM takes the user for the host, pg and ioredis throw at the first connection', () => {
    const url = `postgres://moderato:${raw}@db.school.test:5432/moderato`;
    expect(DriverUtils.buildDriverOptions({ url })).toMatchObject({ host: 'moderato', password: '' });
    expect(() => parsePostgresUrl(url)).toThrow('Invalid URL');
    expect(() => new Client({ connectionString: url })).toThrow('Invalid URL');
    expect(() => new Redis(`redis://moderato:${raw}@redis.school.test:6379`, { lazyConnect: true })).toThrow('Invalid URL');
  });

  it('are refused by the configuration, saying how to encode them, with the value hidden', () => {
    for (const [variable, url] of [
      ['DATABASE_URL', `postgres://moderato:${raw}@db.school.test:5432/moderato`],
      ['REDIS_URL', `redis://moderato:${raw}@redis.school.test:6379`],
      ['SMTP_URL', `smtp://moderato:${raw}@mail.school.test:587`],
    ]) {
      expect(() => loadConfig({ [variable]: url })).toThrow(`${variable} has a user name or password with characters that must be percent-encoded`);
      expect(() => loadConfig({ [variable]: url })).toThrow('/ → %2F, @ → %40, + → %2B');
      expect(() => loadConfig({ [variable]: url })).not.toThrow(raw);
    }
  });

  it('+ and = need no encoding: every parser reads them as written', () => {
    const password = 'Zm9vYmFy+cXV4=';
    expect(urlCredentialProblem(`postgres://moderato:${password}@db:5432/moderato`)).toBeUndefined();
    expect(parsePostgresUrl(`postgres://moderato:${password}@db:5432/moderato`).password).toBe(password);
    expect(DriverUtils.buildDriverOptions({ url: `postgres://moderato:${password}@db:5432/moderato` }).password).toBe(password);
    expect(redisOptionsFromUrl(`redis://:${password}@redis:6379`).password).toBe(password);
    expect(smtpOptionsFromUrl(`smtp://me:${password}@mail:587`).auth).toEqual({ user: 'me', pass: password });
  });
});
