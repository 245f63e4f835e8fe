/**
 * On SIGTERM/SIGINT: stop gracefully (`close` finishes in-flight requests or jobs and closes
 * pools), then exit 0; exit 1 if that takes longer than `timeoutMs` or fails.
 */
export function exitGracefullyOnSignals(app: { close(): Promise<void> }, timeoutMs: number, log: (message: string) => void = () => undefined): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received: finishing in-flight work, then exiting`);
    setTimeout(() => {
      log(`shutdown took longer than ${timeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
