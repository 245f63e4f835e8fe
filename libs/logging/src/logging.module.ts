import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import { pinoHttp, type Options as HttpLoggerOptions } from 'pino-http';
import { AppConfig } from '@moderato/config';
import { AppLogger, ROOT_LOGGER, requestLogger } from './app-logger';
import { REDACT_PATHS, URL_PATHS, censor, redactUrl } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Request headers worth a log line; credentials (cookie, authorization, CSRF token) never are. */
const LOGGED_REQUEST_HEADERS = [
  'host',
  'user-agent',
  'referer',
  'accept-language',
  'content-type',
  'content-length',
  'origin',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
];
const LOGGED_RESPONSE_HEADERS = ['location', 'content-type', 'content-length', 'set-cookie', 'retry-after', 'cache-control'];

/**
 * The logger's settings (JSON lines, secrets redacted, request and response serializers) and the
 * request logger's own (request id, which requests are logged).
 */
export function loggerParams(config: AppConfig): { logger: LoggerOptions; http: Pick<HttpLoggerOptions, 'genReqId' | 'autoLogging' | 'serializers'> } {
  const options = {
    level: config.log.level,
    redact: { paths: [...REDACT_PATHS, ...URL_PATHS], censor },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    // On every line through `base`, not pino-http's customProps: those cost two child loggers
    // and a string search per request.
    base: { pid: process.pid, hostname: hostname(), app: 'moderato' },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/healthz' || req.url === '/readyz' },
    serializers: {
      // Redirects to Jitsi carry the token in Location (?jwt=…): never log it.
      // Only the headers that tell what happened: the security headers are the same on every
      // response and made up half of each line (see BENCHMARKS.md, join storm).
      res: (res: { statusCode: number; headers?: Record<string, unknown> }) => {
        const headers: Record<string, unknown> = {};
        for (const name of LOGGED_RESPONSE_HEADERS) if (res.headers?.[name] !== undefined) headers[name] = res.headers[name];
        if (typeof headers.location === 'string') headers.location = redactUrl(headers.location);
        return { statusCode: res.statusCode, headers };
      },
      // An allow-list of headers: serialising and redacting all of them was a tenth of the
      // join storm's CPU (BENCHMARKS.md); the redaction paths still cover the credentials.
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => {
        const headers: Record<string, unknown> = {};
        for (const name of LOGGED_REQUEST_HEADERS) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
        // The page someone came from can be a personal link or carry ?_csrf=: redacted like url.
        if (typeof headers.referer === 'string') headers.referer = redactUrl(headers.referer);
        return { id: req.id, method: req.method, url: redactUrl(req.url), headers, remoteAddress: req.remoteAddress };
      },
    },
  };
  const { genReqId, autoLogging, ...logger } = options;
  // pino-http's request logger is a child with serializers of its own: it gets ours too.
  return { logger, http: { genReqId, autoLogging, serializers: options.serializers } };
}

/**
 * Structured logging for an app: a pino logger writing JSON lines (to `destination` in tests),
 * Nest's own log lines through it (`app.useLogger(app.get(AppLogger))`), and in an HTTP app one
 * line per request (pino-http, before every other middleware).
 */
@Module({})
export class LoggingModule implements NestModule {
  constructor(
    @Inject(ROOT_LOGGER) private readonly root: pino.Logger,
    private readonly config: AppConfig,
  ) {}

  static forRoot(options: { destination?: DestinationStream } = {}): DynamicModule {
    return {
      module: LoggingModule,
      global: true,
      providers: [
        {
          provide: ROOT_LOGGER,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            const { logger } = loggerParams(config);
            return options.destination ? pino(logger, options.destination) : pino(logger);
          },
        },
        { provide: AppLogger, inject: [ROOT_LOGGER], useFactory: (root: pino.Logger) => new AppLogger(root) },
      ],
      exports: [ROOT_LOGGER, AppLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const http = pinoHttp({ logger: this.root, ...loggerParams(this.config).http });
    consumer
      .apply((req: IncomingMessage, res: ServerResponse, next: () => void) =>
        http(req, res, () => requestLogger.run((req as IncomingMessage & { log: pino.Logger }).log, next)),
      )
      .forRoutes('{*path}');
  }
}
