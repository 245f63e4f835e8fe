import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { cpuMsOfPostgres, cpuMsOfTree, loadNow, percentile, round } from './harness';

export interface LoadResult {
  name: string;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses that were not what a person should get, plus socket errors and time-outs. */
  errors: number;
  errorSamples: string[];
  loadBefore: number[];
  loadAfter: number[];
  /** CPU time per request of the server process (and its children), when its pid was given. */
  serverCpuMsPerRequest?: number;
  /** CPU time per request of all PostgreSQL processes. */
  postgresCpuMsPerRequest: number;
}

/**
 * `amount` requests over `connections` keep-alive connections (autocannon). `next()` gives each
 * request's path and headers; `check` says whether a response is right (status + headers).
 */
export async function runLoad(options: {
  name: string;
  url: string;
  connections: number;
  amount: number;
  next: () => { path: string; headers?: Record<string, string> };
  check: (status: number, headers: Record<string, string | string[]>) => string | null;
  /** The server's pid: its CPU time per request is reported. */
  serverPid?: number;
}): Promise<LoadResult> {
  let wrong = 0;
  const samples: string[] = [];
  const loadBefore = loadNow();
  const serverCpuBefore = options.serverPid ? cpuMsOfTree(options.serverPid) : 0;
  const postgresCpuBefore = cpuMsOfPostgres();
  const started = process.hrtime.bigint();
  // autocannon notices that `amount` is reached only on its once-a-second tick: the run's length
  // is the time to the last response, not to the promise (which would round it up to whole seconds).
  let lastResponse = started;
  // autocannon records every response time in its latency histogram (3xx too); keep each value
  // to compute exact percentiles (its summary has p90/p97.5/p99, no p95).
  const times: number[] = [];
  const latencies = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10000,
    numberOfSignificantValueDigits: 5,
  });
  const record = latencies.recordValue.bind(latencies);
  latencies.recordValue = (value: number) => {
    times.push(value);
    record(value);
  };
  const result = await autocannon({
    // Not in @types/autocannon: the histograms to record into (autocannon's own lib/histUtil).
    ...({ histograms: { latencies } } as object),
    url: options.url,
    connections: options.connections,
    amount: options.amount,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => {
          const { path, headers } = options.next();
          return { ...request, method: 'GET', path, headers: { ...(headers ?? {}) } };
        },
        onResponse: (status, _body, _context, headers) => {
          lastResponse = process.hrtime.bigint();
          // Raw header names as the server wrote them (Location): compare in lower case.
          const lower = Object.fromEntries(Object.entries(headers as Record<string, string | string[]>).map(([key, value]) => [key.toLowerCase(), value]));
          const problem = options.check(status, lower);
          if (problem) {
            wrong += 1;
            if (samples.length < 5) samples.push(problem);
          }
        },
      },
    ],
  });
  const seconds = Number(lastResponse - started) / 1e9;
  const serverCpuMs = options.serverPid ? cpuMsOfTree(options.serverPid) - serverCpuBefore : NaN;
  const postgresCpuMs = cpuMsOfPostgres() - postgresCpuBefore;
  times.sort((a, b) => a - b);
  const completed = result.requests.total;
  return {
    name: options.name,
    requests: completed,
    seconds: round(seconds, 2),
    requestsPerSecond: round(completed / seconds, 0),
    p50Ms: round(percentile(times, 50), 1),
    p95Ms: round(percentile(times, 95), 1),
    p99Ms: round(percentile(times, 99), 1),
    maxMs: round(times[times.length - 1] ?? NaN, 1),
    errors: wrong + result.errors + result.timeouts,
    errorSamples: samples.concat(result.errors ? [`${result.errors} socket errors`] : [], result.timeouts ? [`${result.timeouts} time-outs`] : []),
    loadBefore,
    loadAfter: loadNow(),
    ...(options.serverPid ? { serverCpuMsPerRequest: round(serverCpuMs / completed, 3) } : {}),
    postgresCpuMsPerRequest: round(postgresCpuMs / completed, 3),
  };
}
