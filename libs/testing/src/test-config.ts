import { loadConfig, type AppConfig } from '@moderato/config';

/**
 * Redis for tests: REDIS_URL, or the local default. Pass a database number to keep a file's
 * queues apart from other files' workers.
 */
export function testRedisUrl(database?: number): string {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (database === undefined) return url;
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A validated configuration for tests, pointing at the given database. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://localhost:3000',
    // Test files sign in dozens of times a minute; the limit has its own test.
    RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  });
}
