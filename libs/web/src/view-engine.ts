import { relative } from 'node:path';
import { Eta } from 'eta';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Translate } from '@moderato/i18n';
import { localizeFormErrors } from './field-messages';

/**
 * Server-rendered pages with Eta (`<%= %>` escapes HTML). Templates live in `viewsDir`;
 * a page uses the shell with `<% layout('layout') %>`.
 */
export function configureViews(app: NestExpressApplication, viewsDir: string, cache: boolean): Eta {
  const eta = new Eta({ views: viewsDir, cache, autoEscape: true, autoTrim: false, defaultExtension: '.eta' });
  app.engine('eta', (file: string, data: object, done: (error: Error | null, html?: string) => void) => {
    try {
      const name = './' + relative(viewsDir, file).replace(/\\/g, '/');
      done(null, eta.render(name, withLocalizedErrors(data)));
    } catch (error) {
      done(error as Error);
    }
  });
  app.setBaseViewsDir(viewsDir);
  app.setViewEngine('eta');
  return eta;
}

/**
 * A form re-shown with errors gets them in the page's language, whichever controller rendered it:
 * the DTOs' English messages (`errors`, `grantErrors`: `{ field: messages }`) are read by
 * field-messages.ts; messages it cannot read, or already translated, stay as they are.
 */
function withLocalizedErrors(data: object): object {
  const view = data as Record<string, unknown>;
  if (typeof view.t !== 'function') return data;
  const t = view.t as Translate;
  const localized: Record<string, unknown> = {};
  for (const name of ['errors', 'grantErrors']) if (isFormErrors(view[name])) localized[name] = localizeFormErrors(view[name], t);
  return Object.keys(localized).length ? { ...view, ...localized } : data;
}

function isFormErrors(value: unknown): value is Record<string, string[]> {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((messages) => Array.isArray(messages) && messages.every((message) => typeof message === 'string'))
  );
}
