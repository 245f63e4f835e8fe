import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals } from '@moderato/core';
import { loadConfigOrExit } from '@moderato/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp({ config });
  const logger = new Logger('Api');
  // SIGTERM: stop accepting connections, finish in-flight requests, close the pools, exit 0.
  exitGracefullyOnSignals(app, config.shutdownTimeoutMs, (message) => logger.log(message));
  await app.listen(config.port);
  logger.log(`Moderato api listening on port ${config.port}; open ${config.publicUrl}`);
}

main().catch((error: unknown) => {
  console.error('Moderato api failed to start:', error);
  process.exit(1);
});
