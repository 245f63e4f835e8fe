import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AppLogger } from '@moderato/logging';
import { WorkerModule, type WorkerModuleOptions } from './worker.module';

/** A Nest application context (no HTTP server) running the queue processors. */
export async function createWorker(options: WorkerModuleOptions = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(options), { bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  return app;
}
