import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type pino from 'pino';

/** Injection token of the app's root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The logger of the request being handled (pino-http's `req.log`, bound to the request and its
 * id): what is logged while handling a request says which request it happened in.
 */
export const requestLogger = new AsyncLocalStorage<pino.Logger>();

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's log calls (`new Logger('Context').log(...)`) as pino JSON lines: the context as
 * `context`, an object first argument merged into the line (`logger.log({ series: 3 }, 'text')`),
 * an Error as `err`. Nest passes the context as the last argument.
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: pino.Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = requestLogger.getStore() ?? this.root;
    if (!logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      logger[level](fields, message.message, ...rest);
    } else if (typeof message === 'object' && message !== null) {
      logger[level](Object.assign(fields, message), ...(rest as [string?]));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
      // Nest's exception handlers call error(message, stack, context).
      const err = new Error(String(message));
      err.stack = rest[0];
      logger[level]({ ...fields, err }, String(message));
    } else {
      logger[level](fields, String(message), ...rest);
    }
  }
}
