import { randomUUID } from 'node:crypto';
import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@moderato/config';
import { DomainError, type DomainErrorKind, type FieldError } from '@moderato/core';
import { translator, type Translate } from '@moderato/i18n';
import { localizeFieldErrors } from './field-messages';
import { resolveLocale } from './web-context.middleware';

/** The JSON body of every API error. */
export interface Problem {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  /** Only for 5xx: the id under which the error was logged. */
  errorId?: string;
}

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
  unavailable: 503,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function toProblem(exception: unknown): Problem {
  if (exception instanceof DomainError) {
    return {
      statusCode: STATUS_OF_KIND[exception.kind],
      code: exception.code,
      message: exception.message,
      details: exception.details,
    };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const body = exception.getResponse();
    const code = CODE_OF_STATUS[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'HTTP_ERROR');
    if (typeof body === 'string') return { statusCode, code, message: body };
    const record = body as Record<string, unknown>;
    // Terminus' readiness failure: name the components that are down.
    if (record.status === 'error' && record.error && typeof record.error === 'object') {
      const down = Object.keys(record.error as object);
      return { statusCode, code: 'NOT_READY', message: `Not ready: ${down.join(', ')}`, details: record };
    }
    const message = Array.isArray(record.message) ? record.message.join('; ') : String(record.message ?? exception.message);
    return { statusCode, code, message };
  }
  // body-parser errors (malformed JSON, too large) carry a status but are not HttpExceptions.
  const status = (exception as { status?: unknown; type?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof (exception as { type?: unknown }).type === 'string') {
    return { statusCode: status, code: CODE_OF_STATUS[status] ?? 'BAD_REQUEST', message: (exception as Error).message };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal server error' };
}

function wantsJson(req: Request): boolean {
  // originalUrl: an error thrown in a mounted middleware (CSRF) sees req.path relative to the mount.
  const path = (req.originalUrl ?? req.url).split('?')[0];
  if (path.startsWith('/api/') || path === '/api' || path === '/readyz' || path === '/healthz') return true;
  return req.accepts(['html', 'json']) === 'json';
}

/**
 * The api's one global exception filter: a JSON problem for /api (and JSON clients), a
 * friendly page in the person's language for everything else. Unknown errors become a 500
 * with an error id that is in the log too; their details never reach the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly config: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception);
    if (problem.statusCode >= 500 && problem.code !== 'NOT_READY') {
      problem.errorId = randomUUID();
      this.logger.error({ err: exception, errorId: problem.errorId, method: req.method, path: req.path }, `Unhandled error ${problem.errorId}`);
    }
    // A stream (the audit CSV) broke after its headers: end the connection, so the client sees
    // an incomplete download instead of waiting for the rest forever.
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }

    if (wantsJson(req)) {
      res.status(problem.statusCode).json(problem);
      return;
    }
    this.renderPage(req, res, problem);
  }

  private renderPage(req: Request, res: Response, problem: Problem): void {
    if (problem.statusCode === 401) {
      // A page that needs a login: sign in, then come back here.
      const back = req.method === 'GET' ? req.originalUrl : '/';
      res.redirect(303, `/auth/login?returnTo=${encodeURIComponent(back)}`);
      return;
    }
    if (!res.locals.t) {
      const locale = resolveLocale(req, this.config.defaultLocale);
      Object.assign(res.locals, { locale, t: translator(locale), productName: this.config.productName, currentPath: req.originalUrl });
    }
    const known = [400, 401, 403, 404, 409, 410, 429, 500, 503];
    const page = known.includes(problem.statusCode) ? problem.statusCode : problem.statusCode >= 500 ? 500 : 400;
    const fields = problem.code === 'VALIDATION_FAILED' ? localizeFieldErrors(problem.details as FieldError[], res.locals.t as Translate) : undefined;
    res
      .status(problem.statusCode)
      .render(
        'error',
        { status: problem.statusCode, page, code: problem.code, errorId: problem.errorId, fields, details: problem.details },
        (renderError: Error | null, html?: string) => {
          if (renderError) {
            this.logger.error({ err: renderError }, 'Error page failed to render');
            res.type('text/plain').send(`${problem.statusCode} ${problem.message}${problem.errorId ? ` (${problem.errorId})` : ''}`);
            return;
          }
          res.type('html').send(html);
        },
      );
  }
}
