import type { INestApplicationContext } from '@nestjs/common';
import { WORKER_STALE_AFTER_SECONDS, WorkerHeartbeatsStore } from '@moderato/jobs';
import { errorText } from '../redact';
import { ok, warn, type Report } from './check';

const START_WORKER =
  'Start the worker (node dist/apps/worker/src/main.js; the worker service in docker-compose.yml) and read its log: it says which part it cannot reach.';

/** A worker is running: its heartbeat (written every 5 s while it can process jobs) is fresh. */
export async function checkWorker(app: INestApplicationContext, report: Report): Promise<void> {
  try {
    const status = await app.get(WorkerHeartbeatsStore).status();
    if (status.lastSeenSeconds === null) {
      report(warn('worker', 'No worker has ever reported: mails are not being sent', START_WORKER));
    } else if (status.live === 0) {
      report(
        warn(
          'worker',
          `No worker has reported for ${status.lastSeenSeconds} s (more than ${WORKER_STALE_AFTER_SECONDS} s): mails are not being sent`,
          START_WORKER,
        ),
      );
    } else {
      report(ok('worker', `${status.live} worker process(es) running, last seen ${status.lastSeenSeconds} s ago`));
    }
  } catch (error) {
    report(warn('worker', `Could not read the worker heartbeats: ${errorText(error)}`, 'Run the migrations (moderato migrate) and check DATABASE_URL.'));
  }
}
