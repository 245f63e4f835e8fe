/** A worker writes its heartbeat every 5 s; one older than this is not running (or cannot work). */
export const WORKER_STALE_AFTER_SECONDS = 30;

export interface WorkerStatus {
  /** Workers whose heartbeat is fresh. */
  live: number;
  /** Seconds since the freshest heartbeat; null when no worker ever wrote one. */
  lastSeenSeconds: number | null;
}

/** Who writes a heartbeat: one worker process. */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  startedAt: Date;
}
