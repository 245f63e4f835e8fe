import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '@moderato/config';
import { DatabaseProbe } from '@moderato/database';
import { redisOptionsFromUrl } from '@moderato/jobs';
import { smtpOptionsFromUrl } from '@moderato/mail';
import { SCHEMA } from '@moderato/schema';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@moderato/testing';

/**
 * The proof that a percent-encoded password with / + @ = : (what `openssl rand -base64` gives)
 * works in DATABASE_URL, REDIS_URL and SMTP_URL: a PostgreSQL role, a Redis ACL user and an SMTP
 * login with such a password, reached through the configuration and the code paths the api and
 * worker use.
 */
const PASSWORD = `Zm9v/YmFy+cXV4@ZW5j=b2Rl:${randomBytes(6).toString('hex')}`;
const ENCODED = encodeURIComponent(PASSWORD);

/**
 * True when `password` is the one PostgreSQL stored for the role: the SCRAM-SHA-256 check the
 * server makes at sign-in (RFC 5802: StoredKey = H(HMAC(PBKDF2(password, salt, i), "Client Key"))).
 * Needed because a test server may trust local connections and then never asks for the password.
 */
function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier);
  if (!match) throw new Error('the role has no SCRAM-SHA-256 password');
  const salted = pbkdf2Sync(password, Buffer.from(match[2], 'base64'), Number(match[1]), 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest('base64');
  return storedKey === match[3];
}

describe('passwords with URL-special characters, percent-encoded (real PostgreSQL, Redis, SMTP)', () => {
  let db: TestDatabase;
  let admin: Client;
  const role = `moderato_url_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = new Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`SET password_encryption = 'scram-sha-256'`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(PASSWORD)}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${admin.escapeIdentifier(new URL(db.url).pathname.slice(1))} TO ${role}`);
  });

  afterAll(async () => {
    await admin?.query(`REVOKE ALL ON DATABASE ${admin.escapeIdentifier(new URL(db.url).pathname.slice(1))} FROM ${role}`).catch(() => undefined);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.end();
    await db?.drop();
  });

  it('PostgreSQL: DATABASE_URL with the encoded password passes the configuration and signs the role in (TypeORM and pg)', async () => {
    const url = new URL(db.url);
    const databaseUrl = `postgres://${role}:${ENCODED}@${url.host}${url.pathname}`;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });

    // The password pg sends is the one PostgreSQL stored for the role (and a near miss is not).
    const client = new Client({ connectionString: config.database.url });
    const [{ rolpassword }] = (await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).rows as { rolpassword: string }[];
    expect(scramMatches(rolpassword, (client as unknown as { connectionParameters: { password: string } }).connectionParameters.password)).toBe(true);
    expect(scramMatches(rolpassword, PASSWORD.replace('/', '%2F'))).toBe(false);

    await client.connect();
    try {
      expect((await client.query('SELECT current_user AS who')).rows).toEqual([{ who: role }]);
    } finally {
      await client.end();
    }
    // The api's and worker's path: TypeORM with `url` (buildDataSourceOptions).
    const probe = await DatabaseProbe.connect(config.database.url, SCHEMA, { connectTimeoutMs: 5000, applicationName: 'moderato-url-test' });
    try {
      expect(await probe.serverVersion()).toMatch(/^\d+/);
    } finally {
      await probe.close();
    }
  });

  it('Redis: REDIS_URL with the encoded password signs in an ACL user; a wrong password is refused', async () => {
    const server = new URL(testRedisUrl());
    const user = `moderato-url-${randomBytes(4).toString('hex')}`;
    const root = new Redis(redisOptionsFromUrl(testRedisUrl()));
    await root.call('ACL', 'SETUSER', user, 'on', `>${PASSWORD}`, '~*', '+@all');
    try {
      const redisUrl = `redis://${user}:${ENCODED}@${server.host}/15`;
      const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: redisUrl });
      const client = new Redis({ ...redisOptionsFromUrl(config.redis.url), lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      expect(await client.call('ACL', 'WHOAMI')).toBe(user);
      client.disconnect();

      const wrong = new Redis({
        ...redisOptionsFromUrl(`redis://${user}:${encodeURIComponent(`${PASSWORD}x`)}@${server.host}/15`),
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      const refusals: string[] = [];
      wrong.on('error', (error: Error) => refusals.push(error.message));
      await expect(wrong.connect()).rejects.toThrow();
      expect(refusals.join('\n')).toMatch(/^WRONGPASS/);
      wrong.disconnect();
    } finally {
      await root.call('ACL', 'DELUSER', user);
      root.disconnect();
    }
  });

  it('SMTP: SMTP_URL with an encoded user and password logs in to an SMTP server that checks them', async () => {
    const logins: { username?: string | null; password?: string | null }[] = [];
    const smtp = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        if (auth.username === 'moderato@school.test' && auth.password === PASSWORD) return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const config = loadConfig({ NODE_ENV: 'test', SMTP_URL: `smtp://moderato%40school.test:${ENCODED}@127.0.0.1:${port}` });
      const transport = createTransport(smtpOptionsFromUrl(config.mail.smtpUrl));
      await expect(transport.verify()).resolves.toBe(true);
      transport.close();
      expect(logins).toEqual([{ username: 'moderato@school.test', password: PASSWORD }]);

      const wrong = createTransport(smtpOptionsFromUrl(`smtp://moderato%40school.test:${encodeURIComponent('not-it')}@127.0.0.1:${port}`));
      await expect(wrong.verify()).rejects.toThrow(/Invalid username or password/);
      wrong.close();
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
