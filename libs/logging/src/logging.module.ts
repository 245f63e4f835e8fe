import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '@moderato/config';
import { REDACT_PATHS, URL_PATHS, censor, redactUrl } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** Request headers worth a log line; credentials (cookie, authorization, CSRF token) never are. */
const LOGGED_REQUEST_HEADERS = ['host', 'user-agent', 'referer', 'accept-language', 'content-type', 'content-length', 'origin', 'x-forwarded-for', 'x-forwarded-proto', 'x-request-id'];
const LOGGED_RESPONSE_HEADERS = ['location', 'content-type', 'content-length', 'set-cookie', 'retry-after', 'cache-control'];

/** pino-http settings: JSON lines, a request id on each, secrets redacted. */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
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
  return { pinoHttp: destination ? [options, destination] : options };
}

@Module({})
export class LoggingModule {
  /** Structured logging for an app; pass `destination` to capture log lines (tests). */
  static forRoot(options: { destination?: DestinationStream } = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => loggerParams(config, options.destination),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
