import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, readProcessEnvironment, type AppConfig } from '@moderato/config';
import { createWorker } from './bootstrap';

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
  const worker = await createWorker({ config });
  await worker.init();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
  }
  new Logger('Worker').log('Moderato worker started; processing queues');
}

main().catch((error: unknown) => {
  console.error('Moderato worker failed to start:', error);
  process.exit(1);
});
