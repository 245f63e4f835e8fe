import { escapeHtml, renderMail, type RenderMailInput } from './templates';

const input: RenderMailInput = {
  kind: 'invite',
  locale: 'en',
  productName: 'Moderato',
  invitation: { email: 'sam@school.test', name: 'Sam', role: 'participant' },
  meeting: {
    title: 'Maths <7b> & "friends"',
    description: 'Bring <b>books</b>.',
    startsAt: new Date('2026-12-01T07:00:00Z'),
    endsAt: new Date('2026-12-01T08:00:00Z'),
    rrule: null,
  },
  organizer: { name: 'Tina Teacher', email: 'teacher@school.test' },
  link: 'https://moderato.school.test/j/abc?x=1&y=2',
  timezone: 'Europe/Berlin',
};

describe('renderMail', () => {
  it('renders an English invitation: organizer, title, time in the zone (named), personal link', () => {
    const mail = renderMail(input);
    expect(mail.subject).toBe('Invitation: Maths <7b> & "friends"');
    expect(mail.text).toContain('Tina Teacher invites you to "Maths <7b> & "friends"".');
    expect(mail.text).toContain('Tuesday, 1 December 2026');
    expect(mail.text).toMatch(/08:00\s*–\s*09:00/);
    expect(mail.text).toContain('Central European Standard Time, Europe/Berlin');
    expect(mail.text).toContain(input.link);
    expect(mail.html).toContain('href="https://moderato.school.test/j/abc?x=1&amp;y=2"');
  });

  it("carries the organisation's branding from its policy: logo, support contact, footer (escaped)", () => {
    const branded = renderMail({
      ...input,
      productName: 'Schulkonferenz',
      branding: { logoUrl: 'https://school.test/logo.png?a=1&b=2', supportContact: 'it@school.test', mailFooter: 'Gymnasium <Musterstadt>' },
    });
    expect(branded.text).toContain('Sent by Schulkonferenz on behalf of Tina Teacher.\nQuestions? Contact it@school.test.\nGymnasium <Musterstadt>');
    expect(branded.html).toContain('<img src="https://school.test/logo.png?a=1&amp;b=2" alt="Schulkonferenz"');
    expect(branded.html).toContain('Gymnasium &lt;Musterstadt&gt;');
    expect(renderMail({ ...input, locale: 'de', branding: { supportContact: 'it@school.test' } }).text).toContain('Fragen? Wenden Sie sich an it@school.test.');
    const plain = renderMail(input);
    expect(plain.html).not.toContain('<img');
    expect(plain.text).not.toContain('Questions?');
    expect(renderMail({ ...input, branding: { logoUrl: 'javascript:alert(1)' } }).html).not.toContain('<img');
  });

  it('escapes HTML in every value', () => {
    const mail = renderMail(input);
    expect(mail.html).toContain('Maths &lt;7b&gt; &amp; &quot;friends&quot;');
    expect(mail.html).toContain('Bring &lt;b&gt;books&lt;/b&gt;.');
    expect(mail.html).not.toContain('<7b>');
    expect(mail.html).not.toContain('<b>books');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders German, in the invitee time zone', () => {
    const mail = renderMail({ ...input, locale: 'de', timezone: 'America/New_York' });
    expect(mail.subject).toBe('Einladung: Maths <7b> & "friends"');
    expect(mail.text).toContain('Tina Teacher lädt Sie zu „Maths <7b> & "friends"“ ein.');
    expect(mail.text).toContain('Dienstag, 1. Dezember 2026');
    expect(mail.text).toMatch(/02:00\s*–\s*03:00/);
    expect(mail.text).toContain('America/New_York');
    expect(mail.text).toContain('Nordamerikanische Ostküsten-Normalzeit');
    expect(mail.html).toContain('<html lang="de">');
  });

  it('says clearly that a meeting is cancelled, without a link', () => {
    const en = renderMail({ ...input, kind: 'cancel' });
    expect(en.subject).toBe('Cancelled: Maths <7b> & "friends"');
    expect(en.text).toContain('Tina Teacher has cancelled');
    expect(en.text).toContain('The meeting will not take place.');
    expect(en.text).not.toContain(input.link);
    const de = renderMail({ ...input, kind: 'cancel', locale: 'de' });
    expect(de.subject).toBe('Abgesagt: Maths <7b> & "friends"');
    expect(de.text).toContain('Der Termin findet nicht statt.');
  });

  it('tells a removed invitee they are no longer invited, not that the meeting is off (en, de)', () => {
    const en = renderMail({ ...input, kind: 'cancel', revoked: true });
    expect(en.subject).toBe('No longer invited: Maths <7b> & "friends"');
    expect(en.text).toContain('You are no longer invited to "Maths <7b> & "friends""');
    expect(en.text).toContain('The meeting takes place without you');
    expect(en.text).not.toContain('will not take place');
    expect(en.text).not.toContain(input.link);
    const de = renderMail({ ...input, kind: 'cancel', revoked: true, locale: 'de' });
    expect(de.subject).toBe('Nicht mehr eingeladen: Maths <7b> & "friends"');
    expect(de.text).toContain('Der Termin findet ohne Sie statt');
  });

  it('an update says what changed, old → new (time, title, description), in en and de', () => {
    const previous = { title: 'Maths 7a', startsAt: '2026-11-30T07:00:00Z', endsAt: '2026-11-30T08:00:00Z', description: true };
    const en = renderMail({ ...input, kind: 'update', previous });
    expect(en.text).toContain('Tina Teacher has changed "Maths <7b> & "friends"". What changed:');
    expect(en.text).toMatch(/Time: Monday, 30 November 2026, 08:00\s*–\s*09:00 .* → Tuesday, 1 December 2026, 08:00\s*–\s*09:00/);
    expect(en.text).toContain('Title: "Maths 7a" → "Maths <7b> & "friends""');
    expect(en.text).toContain('The description has changed');
    expect(en.text).not.toContain('Please note the new details');
    expect(en.html).toContain('Title: &quot;Maths 7a&quot; → ');
    const de = renderMail({ ...input, kind: 'update', locale: 'de', previous: { title: 'Maths 7a' } });
    expect(de.text).toContain('Titel: „Maths 7a“ → „Maths <7b> & "friends"“');
    expect(de.text).not.toContain('Zeit:');
    // Without the old values (a mail queued before this change): the general sentence.
    expect(renderMail({ ...input, kind: 'update' }).text).toContain('Please note the new details below.');
  });

  it("cancels a deleted organizer's meeting on behalf of the product, naming no person (en, de)", () => {
    const en = renderMail({ ...input, kind: 'cancel', organizer: undefined, productName: 'Schulkonferenz' });
    expect(en.text).toContain('"Maths <7b> & "friends"" has been cancelled.');
    expect(en.text).toContain('Sent by Schulkonferenz.');
    const de = renderMail({ ...input, kind: 'cancel', organizer: undefined, locale: 'de', productName: 'Schulkonferenz' });
    expect(de.text).toContain('„Maths <7b> & "friends"“ wurde abgesagt.');
    expect(de.text).toContain('Gesendet von Schulkonferenz.');
    for (const mail of [en, de]) expect(`${mail.text}${mail.html}`).not.toMatch(/Tina Teacher|teacher@school\.test|im Auftrag|on behalf/);
  });

  it('renders updates and reminders with the link; a reminder shows the occurrence it is about', () => {
    const update = renderMail({ ...input, kind: 'update' });
    expect(update.subject).toBe('Updated: Maths <7b> & "friends"');
    expect(update.text).toContain(input.link);
    const reminder = renderMail({
      ...input,
      kind: 'reminder',
      meeting: {
        ...input.meeting,
        rrule: 'FREQ=WEEKLY;COUNT=5',
        recurrenceExceptions: [{ occurrence: '2026-12-08T07:00:00.000Z', startsAt: '2026-12-08T10:00:00.000Z', endsAt: '2026-12-08T11:00:00.000Z' }],
      },
      occurrence: '2026-12-08T07:00:00.000Z',
    });
    expect(reminder.subject).toBe('Reminder: Maths <7b> & "friends"');
    expect(reminder.text).toContain('Tuesday, 8 December 2026');
    expect(reminder.text).toMatch(/11:00\s*–\s*12:00/);
    expect(reminder.text).toContain(input.link);
  });

  it('notes a series and names a moderator role', () => {
    const mail = renderMail({ ...input, invitation: { ...input.invitation, role: 'moderator' }, meeting: { ...input.meeting, rrule: 'FREQ=WEEKLY;COUNT=5' } });
    expect(mail.text).toContain('This is a recurring meeting');
    expect(mail.text).toContain('Your role: Moderator');
  });

  it('says the rule of a series in words, in English and German, never as FREQ=', () => {
    const series = {
      ...input.meeting,
      startsAt: new Date('2026-12-07T09:00:00Z'),
      endsAt: new Date('2026-12-07T10:00:00Z'),
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12',
    };
    const english = renderMail({ ...input, meeting: series });
    expect(english.text).toContain('Repeats: Every Monday and Thursday, 12 times.');
    expect(english.text).toContain('Monday, 7 December 2026');
    expect(english.html).toContain('Every Monday and Thursday, 12 times.');
    const german = renderMail({ ...input, locale: 'de', meeting: { ...series, rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270311T225959Z' } });
    expect(german.text).toContain('Wiederholung: Jeden Montag und Donnerstag, bis 11. März 2027.');
    for (const mail of [english, german]) expect(`${mail.text}${mail.html}`).not.toMatch(/FREQ=|BYDAY/);
  });

  it('strips control characters from names and titles in the subject, the text and the HTML', () => {
    const mail = renderMail({
      ...input,
      meeting: { ...input.meeting, title: 'Maths\r\nBcc: evil@x.test\u0000\u001b[31m 7b', description: 'Bring\u0007 books.\r\nAnd pens.' },
      organizer: { name: 'Tina\u0008 Teacher\u0085', email: 'teacher@school.test' },
    });
    expect(mail.subject).toBe('Invitation: Maths Bcc: evil@x.test[31m 7b');
    // eslint-disable-next-line no-control-regex -- no control character but line feeds may remain
    const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(control);
    expect(mail.text).toContain('Tina Teacher invites you to "Maths Bcc: evil@x.test[31m 7b".');
    expect(mail.text).toContain('Bring books.\nAnd pens.');
  });
});
