export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

/** One line of the doctor's report. `fix` says in one line what to do when it is not ok. */
export interface CheckResult {
  /** Stable id for scripts (`--json`), e.g. `redis`, `jitsi.config-js`. */
  id: string;
  status: CheckStatus;
  /** What was found, in one line. */
  title: string;
  fix?: string;
  /** The Jitsi server a check is about. */
  server?: string;
}

export type Report = (result: CheckResult) => void;

export const ok = (id: string, title: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, status: 'ok', title, ...extra });
export const fail = (id: string, title: string, fix: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, status: 'fail', title, fix, ...extra });
export const warn = (id: string, title: string, fix: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, status: 'warn', title, fix, ...extra });
export const skip = (id: string, title: string, extra: Partial<CheckResult> = {}): CheckResult => ({ id, status: 'skip', title, ...extra });

/** Rejects when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const TIMEOUT_MS = 5000;
