import 'reflect-metadata';
import { get } from 'node:http';
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

/**
 * `main.js health`: the health check of a container (docker-compose.yml): asks the worker's
 * health port (WORKER_HEALTH_PORT) and exits 0 when it can process jobs, 1 otherwise.
 */
function health(): void {
  const config = loadConfigOrExit();
  if (!config.workerHealthPort) {
    console.error('WORKER_HEALTH_PORT is not set: the worker has no health port to ask.');
    process.exit(1);
  }
  const request = get({ host: '127.0.0.1', port: config.workerHealthPort, path: '/healthz', timeout: 4000 }, (res) => {
    let body = '';
    res.on('data', (chunk: Buffer) => (body += chunk.toString()));
    res.on('end', () => {
      process.stdout.write(`${body}\n`);
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
  });
  request.on('timeout', () => request.destroy(new Error('no answer within 4 s')));
  request.on('error', (error) => {
    console.error(`The worker's health port ${config.workerHealthPort} does not answer: ${error.message}`);
    process.exit(1);
  });
}

if (process.argv[2] === 'health') {
  health();
} else {
  main().catch((error: unknown) => {
    console.error('Moderato worker failed to start:', error);
    process.exit(1);
  });
}
