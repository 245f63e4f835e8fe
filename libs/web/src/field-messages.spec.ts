import { pageNumberMessage, unsafeTextMessage } from '@moderato/core';
import { localizeFieldErrors, localizeFormErrors } from './field-messages';
import { translator } from '@moderato/i18n';

describe('field messages on pages', () => {
  it('are German where a translation exists, naming the field; others stay as they are', () => {
    const de = translator('de');
    expect(localizeFieldErrors([{ field: 'page', messages: [pageNumberMessage()] }], de)).toEqual([
      { field: 'page', messages: ['page muss eine ganze Zahl von 1 bis 100000 sein'] },
    ]);
    expect(localizeFormErrors({ participants: [unsafeTextMessage('invitees.3.name'), 'title must not be empty'] }, de)).toEqual({
      participants: ['invitees.3.name darf keine NUL-Zeichen und keine ungepaarten UTF-16-Surrogate enthalten', 'title must not be empty'],
    });
    expect(localizeFieldErrors([{ field: 'q', messages: [unsafeTextMessage('q')] }], translator('en'))).toEqual([
      { field: 'q', messages: [unsafeTextMessage('q')] },
    ]);
  });
});
