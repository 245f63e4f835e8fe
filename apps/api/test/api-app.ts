import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Type } from '@nestjs/common';
import type { AppConfig } from '@moderato/config';
import type { Clock } from '@moderato/core';
import { LogCapture, createTestDatabase, testConfig, type TestDatabase } from '@moderato/testing';
import { createApiApp } from '../src/bootstrap';

export interface RunningApi {
  app: NestExpressApplication;
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  config: AppConfig;
  db: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Boots the real api (same bootstrap as main.ts) on its own copy of the migrated database,
 * with real Redis, capturing the JSON log lines.
 */
export async function startApi(
  options: { env?: Record<string, string>; extraControllers?: Type[]; clock?: Clock; db?: TestDatabase } = {},
): Promise<RunningApi> {
  const db = options.db ?? (await createTestDatabase());
  const config = testConfig(db.url, options.env);
  const logs = new LogCapture();
  const app = await createApiApp({ config, logDestination: logs, extraControllers: options.extraControllers, clock: options.clock });
  await app.init();
  return {
    app,
    server: app.getHttpServer(),
    config,
    db,
    logs,
    close: async () => {
      await app.close();
      if (!options.db) await db.drop(); // a database passed in belongs to the caller
    },
  };
}

/** The CSRF token a page exposes in `<meta name="csrf-token">`. */
export function csrfTokenOf(html: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!match) throw new Error('page has no csrf-token meta tag');
  return match[1];
}
