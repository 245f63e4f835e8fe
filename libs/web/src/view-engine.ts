import { relative } from 'node:path';
import { Eta } from 'eta';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * Server-rendered pages with Eta (`<%= %>` escapes HTML). Templates live in `viewsDir`;
 * a page uses the shell with `<% layout('layout') %>`.
 */
export function configureViews(app: NestExpressApplication, viewsDir: string, cache: boolean): Eta {
  const eta = new Eta({ views: viewsDir, cache, autoEscape: true, autoTrim: false, defaultExtension: '.eta' });
  app.engine('eta', (file: string, data: object, done: (error: Error | null, html?: string) => void) => {
    try {
      const name = './' + relative(viewsDir, file).replace(/\\/g, '/');
      done(null, eta.render(name, data));
    } catch (error) {
      done(error as Error);
    }
  });
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('eta');
  return eta;
}
