import { parseInviteeCsv, parseInviteeList } from './invitee-list';

describe('parseInviteeList (pasted)', () => {
  it('reads names and addresses separated by commas, semicolons and new lines', () => {
    const { invitees, problems } = parseInviteeList('Sam Student <sam@school.test>, "Doe, Jane" <jane@school.test>; kim@school.test\nLEE@School.test');
    expect(problems).toEqual([]);
    expect(invitees).toEqual([
      { email: 'sam@school.test', name: 'Sam Student', role: 'participant' },
      { email: 'jane@school.test', name: 'Doe, Jane', role: 'participant' },
      { email: 'kim@school.test', name: undefined, role: 'participant' },
      { email: 'lee@school.test', name: undefined, role: 'participant' },
    ]);
  });

  it('reports invalid addresses and duplicates line by line and keeps the valid ones', () => {
    const { invitees, problems } = parseInviteeList('sam@school.test\nnot-an-address\nSam@school.test; ok@school.test\nBroken <x@>');
    expect(invitees.map((i) => i.email)).toEqual(['sam@school.test', 'ok@school.test']);
    expect(problems).toEqual([
      { line: 2, text: 'not-an-address', code: 'email', message: 'not a valid email address' },
      { line: 3, text: 'Sam@school.test', code: 'twice', email: 'sam@school.test', message: 'sam@school.test is listed twice' },
      { line: 4, text: 'Broken <x@>', code: 'email', message: 'not a valid email address' },
    ]);
  });

  it('gives everyone the chosen role', () => {
    expect(parseInviteeList('a@school.test', 'moderator').invitees[0].role).toBe('moderator');
  });
});

describe('parseInviteeCsv', () => {
  it('reads email,name,role in any column order, quotes included', () => {
    const { invitees, problems, headerError } = parseInviteeCsv(
      'name,email,role\n"Student, Sam",sam@school.test,participant\nTina,tina@school.test,co-moderator\n\n',
    );
    expect(headerError).toBeUndefined();
    expect(problems).toEqual([]);
    expect(invitees).toEqual([
      { email: 'sam@school.test', name: 'Student, Sam', role: 'participant' },
      { email: 'tina@school.test', name: 'Tina', role: 'moderator' },
    ]);
  });

  it.each(['mail,name\na@school.test,A', 'email,name,role,age\n', '', 'a@school.test,A,participant'])('refuses a wrong header: %p', (csv) => {
    expect(parseInviteeCsv(csv).headerError).toMatch(/header email,name,role/);
  });

  it('reports bad rows by line number', () => {
    const { invitees, problems } = parseInviteeCsv('email,role\na@school.test,boss\nnope,participant\nb@school.test,');
    expect(invitees.map((i) => i.email)).toEqual(['b@school.test']);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'role must be participant or moderator'],
      [3, 'not a valid email address'],
    ]);
  });

  it('reads CSV lines "name,email" as one person each, beside the other forms', () => {
    const result = parseInviteeList('Sam Student,sam@school.test\n"Kim, K.";kim@school.test\nann@school.test, bob@school.test');
    expect(result.problems).toEqual([]);
    expect(result.invitees.map((i) => [i.name, i.email])).toEqual([
      ['Sam Student', 'sam@school.test'],
      ['Kim, K.', 'kim@school.test'],
      [undefined, 'ann@school.test'],
      [undefined, 'bob@school.test'],
    ]);
  });
});
