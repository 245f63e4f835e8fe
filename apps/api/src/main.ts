import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, readProcessEnvironment, type AppConfig } from '@moderato/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(readProcessEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApiApp({ config });
  // Graceful shutdown: Nest stops accepting connections, finishes in-flight requests and
  // closes the pools; if that hangs, give up after SHUTDOWN_TIMEOUT_MS.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
  }
  await app.listen(config.port);
  new Logger('Api').log(`Moderato api listening on port ${config.port}; open ${config.publicUrl}`);
}

main().catch((error: unknown) => {
  console.error('Moderato api failed to start:', error);
  process.exit(1);
});
