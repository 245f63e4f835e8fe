import { loadConfig, type AppConfig } from '@moderato/config';

/** Redis for tests: REDIS_URL, or the local default. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
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
