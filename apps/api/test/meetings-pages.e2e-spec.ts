import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { FixedClock } from '@moderato/core';
import { Invitation, Meeting } from '@moderato/meetings';
import { registerJitsiServer, startSignedInApi, type SignedInApi } from './signed-in';

describe('meeting pages (forms)', () => {
  let env: SignedInApi;
  let teacher: TestAgent;
  let token: string;
  let dataSource: DataSource;
  // The form's dates (7 December 2026 on) stay in the future: a new meeting may not start in the past.
  const clock = new FixedClock(new Date('2026-12-01T08:00:00Z'));

  beforeAll(async () => {
    env = await startSignedInApi({ clock });
    dataSource = env.api.app.get(DataSource);
    await registerJitsiServer(env.api);
    teacher = await env.signIn('teacher@school.test');
    token = await env.csrf(teacher);
  });
  afterAll(async () => {
    await env?.close();
  });

  const form = (agent: TestAgent, fields: Record<string, string | string[]>, csv?: string) => {
    let req = agent.post(`/meetings?_csrf=${encodeURIComponent(token)}`).set('Accept-Language', 'en');
    for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) req = req.field(name, item);
    if (csv !== undefined) req = req.attach('csv', Buffer.from(csv), { filename: 'class.csv', contentType: 'text/csv' });
    return req;
  };
  const valid = {
    title: 'Physics 9a',
    date: '2026-12-07',
    startTime: '08:00',
    endTime: '08:45',
    timezone: 'Europe/Berlin',
    repeat: 'weekly',
    weekdays: ['MO', 'TH'],
    count: '12',
    joinBefore: '10',
  };

  it('schedules a weekly meeting from the form, with pasted participants, co-moderators and a CSV', async () => {
    const res = await form(
      teacher,
      { ...valid, participants: 'Sam Student <student@school.test>\nstudent2@school.test', moderators: 'teacher2@school.test' },
      'email,name,role\nkim@school.test,Kim,participant\n',
    ).expect(303);
    const id = /^\/meetings\/([0-9a-f-]{36})$/.exec(res.headers.location)![1];
    const meeting = await dataSource.getRepository(Meeting).findOneByOrFail({ id });
    expect(meeting).toMatchObject({ title: 'Physics 9a', timezone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12', joinBeforeMinutes: 10 });
    expect(meeting.startsAt.toISOString()).toBe('2026-12-07T07:00:00.000Z'); // 08:00 in Berlin (CET)
    const invitations = await dataSource.getRepository(Invitation).find({ where: { meetingId: id }, order: { email: 'ASC' } });
    expect(invitations.map((i) => [i.email, i.role])).toEqual([
      ['kim@school.test', 'participant'],
      ['student2@school.test', 'participant'],
      ['student@school.test', 'participant'],
      ['teacher2@school.test', 'moderator'],
    ]);
    const page = await teacher.get(res.headers.location).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('The meeting is scheduled.');
    expect(page.text).toContain('data-invitee="student@school.test"');
    // The rule in words, never as FREQ=… (the .ics carries the RRULE).
    expect(page.text).toContain('Every Monday and Thursday, 12 times');
    expect(page.text).not.toContain('FREQ=');
    expect(page.text).toContain('Monday, December 7, 2026 at 8:00');
    expect(page.text).toContain('Thursday, December 10, 2026 at 8:00');
    const list = await teacher.get('/meetings').expect(200);
    expect(list.text).toContain('Physics 9a');
    const ics = await teacher.get(`/meetings/${id}/calendar.ics`).expect(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.text).toContain(`UID:${id}@moderato`);
    expect(ics.text).toContain('RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12');
    expect(ics.text).toMatch(/DTSTART;TZID=Europe\/Berlin:20261207T080000/);
  });

  it('starts a Monday/Thursday series chosen on a Saturday on the Monday after: page, flash, list and .ics agree', async () => {
    const blank = await teacher.get('/meetings/new').set('Accept-Language', 'en').expect(200);
    expect(blank.text).toContain('The series starts on the first of these days on or after the date.');
    // Saturday 5 December 2026, 08:00 Berlin.
    const res = await form(teacher, { ...valid, title: 'Physics 9b', date: '2026-12-05' }).expect(303);
    const id = res.headers.location.split('/').pop()!;
    const meeting = await dataSource.getRepository(Meeting).findOneByOrFail({ id });
    expect(meeting.startsAt.toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(meeting.endsAt.toISOString()).toBe('2026-12-07T07:45:00.000Z');
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('The series starts on Monday, December 7, 2026 at 8:00 AM, the first date that matches its rule.');
    expect(page.text).not.toContain('Saturday');
    const german = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'de').expect(200);
    expect(german.text).toContain('Jeden Montag und Donnerstag, 12-mal');
    const list = await teacher.get('/meetings').set('Accept-Language', 'en').expect(200);
    expect(list.text).toContain('Every Monday and Thursday, 12 times');
    const ics = await teacher.get(`/meetings/${id}/calendar.ics`).expect(200);
    expect(ics.text).toMatch(/DTSTART;TZID=Europe\/Berlin:20261207T080000/);
  });

  it('cancels one date of a series from the meeting page; the others stay and everyone is told', async () => {
    const res = await form(teacher, { ...valid, title: 'Chemistry 9b', participants: 'student@school.test' }).expect(303);
    const id = res.headers.location.split('/').pop()!;
    const page = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('data-occurrence="2026-12-10T07:00:00.000Z"');
    const outboxBefore = await dataSource.query(
      "SELECT count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'update'",
      [id],
    );
    await teacher
      .post(`/meetings/${id}/occurrences/cancel`)
      .type('form')
      .send({ _csrf: token, occurrence: '2026-12-10T07:00:00.000Z', version: '1' })
      .expect(303);
    const after = await teacher.get(`/meetings/${id}`).set('Accept-Language', 'en').expect(200);
    expect(after.text).toContain('This date is cancelled.');
    expect(after.text).toMatch(/<li class="cancelled" data-occurrence="2026-12-10T07:00:00.000Z">/);
    expect(after.text).not.toMatch(/<li class="cancelled" data-occurrence="2026-12-07T07:00:00.000Z">/);
    const meeting = await dataSource.getRepository(Meeting).findOneByOrFail({ id });
    expect(meeting.recurrenceExceptions).toEqual([{ occurrence: '2026-12-10T07:00:00.000Z', cancelled: true }]);
    const outboxAfter = await dataSource.query(
      "SELECT count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'update'",
      [id],
    );
    expect(outboxAfter[0].n).toBe(outboxBefore[0].n + 1);
    // A page loaded before that change carries the old version: refused, nothing changed.
    await teacher
      .post(`/meetings/${id}/occurrences/cancel`)
      .type('form')
      .send({ _csrf: token, occurrence: '2026-12-14T07:00:00.000Z', version: '1' })
      .expect(409);
    await teacher.post(`/meetings/${id}/occurrences/cancel`).type('form').send({ _csrf: token, occurrence: 'someday', version: '2' }).expect(400);
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id })).recurrenceExceptions).toHaveLength(1);
  });

  describe('the same form sent twice (two tabs, a double click) creates one meeting', () => {
    const formIdOf = async () => {
      const page = await teacher.get('/meetings/new').set('Accept-Language', 'en').expect(200);
      const match = /<input type="hidden" name="formId" value="([0-9a-f-]{36})">/.exec(page.text);
      expect(match).not.toBeNull();
      return match![1];
    };
    const meetingsTitled = (title: string) => dataSource.getRepository(Meeting).findBy({ title });
    const invitesOf = async (meetingId: string) =>
      (
        await dataSource.query(
          "SELECT count(*)::int AS n FROM outbox_messages o JOIN invitations i ON i.id = o.invitation_id WHERE i.meeting_id = $1 AND o.kind = 'invite'",
          [meetingId],
        )
      )[0].n;

    it('one after the other: the second answer is the first meeting, with a message; one invitation each', async () => {
      const fields = { ...valid, title: 'History 8c', participants: 'student@school.test\nstudent2@school.test', formId: await formIdOf() };
      const first = await form(teacher, fields).expect(303);
      const second = await form(teacher, fields).expect(303);
      expect(second.headers.location).toBe(first.headers.location);
      const page = await teacher.get(second.headers.location).set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('This form had already been sent');
      const meetings = await meetingsTitled('History 8c');
      expect(meetings).toHaveLength(1);
      expect(await dataSource.getRepository(Invitation).countBy({ meetingId: meetings[0].id })).toBe(2);
      expect(await invitesOf(meetings[0].id)).toBe(2);
      // German too.
      const de = await form(teacher, fields).expect(303);
      expect((await teacher.get(de.headers.location).set('Accept-Language', 'de').expect(200)).text).toContain('Dieses Formular war schon abgeschickt');
    });

    it('at the same moment (double click): one meeting, both answers lead to it', async () => {
      const fields = { ...valid, title: 'Geography 5b', participants: 'student@school.test', formId: await formIdOf() };
      const answers = await Promise.all([form(teacher, fields), form(teacher, fields), form(teacher, fields)]);
      expect(answers.map((answer) => answer.status)).toEqual([303, 303, 303]);
      const meetings = await meetingsTitled('Geography 5b');
      expect(meetings).toHaveLength(1);
      expect(new Set(answers.map((answer) => answer.headers.location))).toEqual(new Set([`/meetings/${meetings[0].id}`]));
      expect(await invitesOf(meetings[0].id)).toBe(1);
    });

    it('a form re-shown with errors keeps its id; a new form is a new meeting; the API is unaffected', async () => {
      const formId = await formIdOf();
      const refused = await form(teacher, { ...valid, title: 'Art 7a', endTime: '07:00', formId }).expect(400);
      expect(refused.text).toContain(`name="formId" value="${formId}"`);
      await form(teacher, { ...valid, title: 'Art 7a', formId }).expect(303);
      await form(teacher, { ...valid, title: 'Art 7a', formId: await formIdOf() }).expect(303);
      expect(await meetingsTitled('Art 7a')).toHaveLength(2);
      const body = { title: 'Art 7a', startsAt: '2026-12-09T08:00:00+01:00', endsAt: '2026-12-09T08:45:00+01:00', timezone: 'Europe/Berlin' };
      await teacher.post('/api/v1/meetings').set('x-csrf-token', token).send(body).expect(201);
      await teacher.post('/api/v1/meetings').set('x-csrf-token', token).send(body).expect(201);
      expect(await meetingsTitled('Art 7a')).toHaveLength(4);
    });
  });

  it('re-shows the form with errors next to the fields and the input kept; nothing saved', async () => {
    const before = await dataSource.getRepository(Meeting).count();
    const res = await form(
      teacher,
      { ...valid, title: 'x'.repeat(300), endTime: '07:00', participants: 'ok@school.test\nnot-an-email\nok@school.test' },
      'mail,name\na@b.c',
    ).expect(400);
    expect(res.text).toContain('A title has at most 200 characters');
    expect(res.text).toContain('the end must be after the start');
    expect(res.text).toContain('Participants, line 2: not-an-email — not a valid email address');
    expect(res.text).toContain('ok@school.test is listed twice');
    expect(res.text).toContain('CSV: the first line must be the header email,name,role');
    expect(res.text).toMatch(/not-an-email\s+ok@school.test<\/textarea>/);
    expect(res.text).toContain('value="2026-12-07"');
    expect(await dataSource.getRepository(Meeting).count()).toBe(before);
  });

  it('edits through the form; a stale form is refused with 409 and the input kept', async () => {
    const res = await form(teacher, { ...valid, title: 'Biology 6a', participants: 'student@school.test' }).expect(303);
    const id = res.headers.location.split('/').pop()!;
    const edit = await teacher.get(`/meetings/${id}/edit`).set('Accept-Language', 'en').expect(200);
    expect(edit.text).toContain('value="Biology 6a"');
    expect(edit.text).toContain('value="2026-12-07"');
    expect(edit.text).toContain('value="08:00"');
    const fields = {
      _csrf: token,
      version: '1',
      title: 'Biology 6a (lab)',
      date: '2026-12-08',
      startTime: '09:00',
      endTime: '09:45',
      timezone: 'Europe/Berlin',
      repeat: 'none',
      joinBefore: '15',
    };
    await teacher.post(`/meetings/${id}`).type('form').send(fields).expect(303);
    const saved = await dataSource.getRepository(Meeting).findOneByOrFail({ id });
    expect(saved).toMatchObject({ title: 'Biology 6a (lab)', version: 2, rrule: null });
    expect(saved.startsAt.toISOString()).toBe('2026-12-08T08:00:00.000Z');
    const stale = await teacher
      .post(`/meetings/${id}`)
      .type('form')
      .set('Accept-Language', 'en')
      .send({ ...fields, title: 'Overwritten' })
      .expect(409);
    expect(stale.text).toContain('Someone changed this meeting in the meantime');
    expect(stale.text).toContain('value="Overwritten"');
    expect((await dataSource.getRepository(Meeting).findOneByOrFail({ id })).title).toBe('Biology 6a (lab)');
  });

  it('does not let a student open the form or post it', async () => {
    const student = await env.signIn('student@school.test');
    await student.get('/meetings/new').expect(403);
    const csrf = await env.csrf(student);
    await student
      .post(`/meetings?_csrf=${encodeURIComponent(csrf)}`)
      .field('title', 'x')
      .expect(403);
  });

  it('refuses a multipart form without the CSRF token', async () => {
    await teacher.post('/meetings').field('title', 'x').expect(403);
  });
});
