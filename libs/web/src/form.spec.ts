import { DomainError, InvalidInputError } from '@moderato/core';
import { formErrorsOf } from './form';

describe('formErrorsOf', () => {
  it('puts a refusal’s messages next to the form fields they belong to', () => {
    const error = new InvalidInputError([
      { field: 'invitees.0.email', messages: ['a@school.test is listed twice (also at 2)'] },
      { field: 'invitees.2.email', messages: ['not an email address'] },
      { field: 'title', messages: ['title must not be empty'] },
    ]);
    const toForm = (field: string) => (field.startsWith('invitees.') ? 'participants' : field);
    expect(formErrorsOf(error, toForm)).toEqual({
      participants: ['a@school.test is listed twice (also at 2)', 'not an email address'],
      title: ['title must not be empty'],
    });
  });

  it('leaves any other error to the caller (it is rethrown, not shown as a field error)', () => {
    expect(formErrorsOf(new Error('database is down'))).toBeUndefined();
    expect(formErrorsOf(new DomainError('NOT_FOUND', 'not_found', 'no such meeting'))).toBeUndefined();
  });
});
