import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppLogger } from '@moderato/logging';
import { AppConfig } from '@moderato/config';
import { InvalidInputError, MAX_INPUT_DEPTH, nestingDepthExceeds } from '@moderato/core';
import { SESSION_COOKIE } from '@moderato/identity';
import { configureViews } from '@moderato/web';
import { ApiModule, type ApiModuleOptions } from './api.module';

/** apps/api/src (or dist/apps/api/src) → apps/api/views and apps/api/public. */
const APP_ROOT = join(__dirname, '..');

/** Security headers: a CSP that allows only Moderato's own scripts, styles and forms. */
export function securityHeaders(config: AppConfig) {
  const https = config.publicUrl.startsWith('https://');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // Chrome applies form-action to the redirect after a form: logout goes on to the IdP.
        formAction: ["'self'", new URL(config.oidc.issuer).origin],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 15552000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * The largest JSON or form body: a meeting with the documented maximum of 2,000 invitees, each
 * with a 254-character address and a 200-character name, fits (about 1 MB of JSON; more if the
 * names are escaped). Larger bodies are a 413.
 */
export const REQUEST_BODY_LIMIT = '4mb';

/**
 * The API and every page seen with a session cookie are personal: no cache (browser, proxy)
 * keeps them. Handlers that want caching (the public ASAP keys) set their own header later.
 */
function noStoreForPrivateResponses(req: Request, res: Response, next: NextFunction): void {
  const path = req.path;
  if (path === '/api' || path.startsWith('/api/') || req.signedCookies?.[SESSION_COOKIE] !== undefined || req.cookies?.[SESSION_COOKIE] !== undefined) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}

/** A body nested deeper than any DTO needs is refused before anything walks it. */
function refuseDeepBodies(req: Request, _res: Response, next: NextFunction): void {
  if (nestingDepthExceeds(req.body)) {
    next(new InvalidInputError([{ field: 'body', messages: [`body must not nest objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`] }]));
    return;
  }
  next();
}

/** Everything the api needs beyond its module: shared by main.ts and the tests. */
export async function createApiApp(options: ApiModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), { bufferLogs: true });
  const config = app.get(AppConfig);
  app.useLogger(app.get(AppLogger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  // The OpenAPI UI (swagger-ui) sets inline styles; allow them on its pages only.
  app.use('/api/docs', (req: Request, res: Response, next: NextFunction) => {
    const csp = res.getHeader('Content-Security-Policy');
    if (typeof csp === 'string') res.setHeader('Content-Security-Policy', csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    next();
  });
  app.use(cookieParser(config.secrets.cookieSecret));
  app.useStaticAssets(join(APP_ROOT, 'public'), { prefix: '/static/', maxAge: config.isProduction ? '1d' : 0 });
  app.use(noStoreForPrivateResponses);
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: REQUEST_BODY_LIMIT, extended: true });
  app.use(refuseDeepBodies);
  configureViews(app, join(APP_ROOT, 'views'), config.isProduction);
  const openApi = new DocumentBuilder()
    .setTitle(`${config.productName} API`)
    .setDescription(
      'REST API of Moderato. Authenticate with the session cookie (state-changing requests then carry the x-csrf-token header, whose value every page exposes in its csrf-token meta tag) or with a bearer API token.',
    )
    .setVersion('1')
    .addCookieAuth('moderato_session')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
