import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ChangeInvitationDto } from './meeting.dto';
import { MeetingsQueryDto, OccurrencesQueryDto, checkOccurrenceRange } from './meetings-query.dto';

/** The DTO's messages per field, as the validation pipe reports them. */
function problems<T extends object>(dto: new () => T, input: object): Record<string, string[]> {
  const errors = validateSync(plainToInstance(dto, input) as object, { whitelist: true });
  return Object.fromEntries(errors.map((error) => [error.property, Object.values(error.constraints ?? {})]));
}

const RANGE = 'from and to must be ISO dates, from before to, at most 800 days apart';

describe('MeetingsQueryDto', () => {
  it('takes upcoming or past, a search cut to 200 characters, and a page (blank: the first)', () => {
    expect(problems(MeetingsQueryDto, { when: 'past', q: 'x'.repeat(300), page: ' 7 ' })).toEqual({});
    expect(plainToInstance(MeetingsQueryDto, { q: 'x'.repeat(300), page: ' 7 ' })).toMatchObject({ q: 'x'.repeat(200), page: 7 });
    expect(plainToInstance(MeetingsQueryDto, { page: '' })).toMatchObject({ page: 1 });
  });

  it('refuses anything else with the messages the API has always given', () => {
    expect(problems(MeetingsQueryDto, { when: 'soon' })).toEqual({ when: ['when must be upcoming or past'] });
    for (const page of ['0', '-1', 'abc', '1.5', '1e3', '100001', ['1', '2']]) {
      expect(problems(MeetingsQueryDto, { page })).toEqual({ page: ['page must be a whole number from 1 to 100000'] });
    }
  });
});

describe('OccurrencesQueryDto', () => {
  it('takes dates that make a range of at most 800 days, either one left out', () => {
    expect(problems(OccurrencesQueryDto, { from: '2027-03-01T00:00:00Z', to: '2027-05-01T00:00:00Z' })).toEqual({});
    expect(problems(OccurrencesQueryDto, { to: '2027-05-01T00:00:00Z' })).toEqual({});
    expect(problems(OccurrencesQueryDto, { from: '', to: '' })).toEqual({});
  });

  it('answers every other case on `from`', () => {
    for (const input of [{ from: 'nonsense' }, { to: 'nonsense' }, { from: '2027-05-01', to: '2027-03-01' }, { from: '2027-01-01', to: '2030-01-01' }]) {
      expect(problems(OccurrencesQueryDto, input)).toEqual({ from: [RANGE] });
    }
  });

  it('checkOccurrenceRange refuses the same with the same message', () => {
    expect(() => checkOccurrenceRange(new Date('2027-01-01'), new Date('2027-02-01'))).not.toThrow();
    expect(() => checkOccurrenceRange(new Date('2027-02-01'), new Date('2027-01-01'))).toThrow(
      expect.objectContaining({ details: [{ field: 'from', messages: [RANGE] }] }),
    );
  });
});

describe('ChangeInvitationDto', () => {
  it('takes a role, the status revoked, or both', () => {
    expect(problems(ChangeInvitationDto, { role: 'moderator' })).toEqual({});
    expect(problems(ChangeInvitationDto, { status: 'revoked' })).toEqual({});
    expect(problems(ChangeInvitationDto, { role: 'participant', status: 'revoked' })).toEqual({});
  });

  it('refuses neither, and an unknown role or status', () => {
    expect(problems(ChangeInvitationDto, {})).toEqual({ role: ['give a role or status'] });
    expect(problems(ChangeInvitationDto, { role: null, status: null })).toEqual({ role: ['give a role or status'] });
    expect(problems(ChangeInvitationDto, { role: 'owner' })).toEqual({ role: ['role must be participant or moderator'] });
    expect(problems(ChangeInvitationDto, { status: 'sent' })).toEqual({ status: ['status can only be set to revoked'] });
  });
});
