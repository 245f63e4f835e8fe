// Prometheus series of the api (GET /metrics): counters the services bump, gauges read at scrape time.
export {
  ModeratoMetrics,
  metrics,
  type JoinAffiliation,
  type JoinPath,
  type OutboxSnapshot,
  type SignInMethod,
  type SignInResult,
  type WorkersSnapshot,
} from './metrics';
export { MODERATO_VERSION } from './version';
