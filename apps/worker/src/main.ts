import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals } from '@moderato/core';
import { loadConfigOrExit } from '@moderato/config';
import { createWorker } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const worker = await createWorker({ config });
  await worker.init();
  const logger = new Logger('Worker');
  // SIGTERM: workers stop taking jobs, finish the ones in flight, connections close, exit 0.
  exitGracefullyOnSignals(worker, config.shutdownTimeoutMs, (message) => logger.log(message));
  logger.log('Moderato worker started; processing queues');
}

main().catch((error: unknown) => {
  console.error('Moderato worker failed to start:', error);
  process.exit(1);
});
