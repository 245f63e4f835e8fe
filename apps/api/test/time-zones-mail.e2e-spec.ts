import type { ParsedMail } from 'mailparser';
import { zonedToUtc } from '@moderato/core';
import type { SmtpSink } from '@moderato/testing';
import { type SignedInApi } from './signed-in';
// The invitees' mails are sent by the real worker, the way an operator runs it beside the api.
import { calendarOf, startMailStack, type MailStack } from './mail-stack';

const to = (mail: ParsedMail) => JSON.stringify(mail.to);

describe('a mail shows the times in the invitee’s zone when Moderato knows it, else in the meeting’s', () => {
  let stack: MailStack;
  let env: SignedInApi;
  let sink: SmtpSink;

  beforeAll(async () => {
    stack = await startMailStack(6);
    ({ env, sink } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('New York for the student who chose it, Berlin (the meeting’s) for one without a zone; the .ics keeps the meeting’s zone', async () => {
    // Sam chose New York (and English) on the Settings page; Sara has an account but no zone of her own.
    const sam = await env.signIn('student@school.test');
    await sam
      .post('/settings/general')
      .type('form')
      .send({ _csrf: await env.csrf(sam), locale: 'en', timezone: 'America/New_York' })
      .expect(303);
    await env.signIn('student2@school.test');

    // 14 January next year (both zones on standard time: Berlin UTC+1, New York UTC-5), 10:00–11:00 in Berlin.
    const year = new Date().getUTCFullYear() + 1;
    const startsAt = zonedToUtc(`${year}-01-14`, '10:00', 'Europe/Berlin')!;
    const endsAt = zonedToUtc(`${year}-01-14`, '11:00', 'Europe/Berlin')!;
    const teacher = await env.signIn('teacher@school.test');
    await teacher
      .post('/api/v1/meetings')
      .set('x-csrf-token', await env.csrf(teacher))
      .send({
        title: 'Maths 7b',
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        timezone: 'Europe/Berlin',
        invitees: [{ email: 'student@school.test' }, { email: 'student2@school.test' }],
      })
      .expect(201);
    const mails = await sink.waitFor(2, 15_000);
    const toSam = mails.find((mail) => to(mail).includes('"student@school.test"'))!;
    const toSara = mails.find((mail) => to(mail).includes('student2@school.test'))!;

    expect(toSam.text).toMatch(/14 January \d{4}, 04:00\s*[–-]\s*05:00 \(Eastern Standard Time, America\/New_York\)/u);
    expect(toSam.text).not.toContain('Europe/Berlin');
    expect(toSara.text).toMatch(/14 January \d{4}, 10:00\s*[–-]\s*11:00 \(Central European Standard Time, Europe\/Berlin\)/u);
    // The calendar entry stays on the meeting's own clock: the calendar converts it for its reader.
    expect(calendarOf(toSam).raw).toMatch(/DTSTART;TZID=Europe\/Berlin:\d{4}0114T100000/);
  });
});
