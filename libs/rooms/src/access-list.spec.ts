import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { affiliationFor, formatAccessList, parseAccessList, slugOf, type AccessEntry } from './access-list';
import { CreateRoomDto } from './dto/room.dto';

const visitor = (overrides: Partial<{ email: string; emailVerified: boolean; idpRoles: string[] }> = {}) => ({
  email: 'anna@school.test',
  emailVerified: true,
  idpRoles: ['teachers'],
  ...overrides,
});

describe('affiliationFor', () => {
  const list: AccessEntry[] = [
    { kind: 'group', value: 'teachers', affiliation: 'member' },
    { kind: 'group', value: 'school/management', affiliation: 'moderator' },
    { kind: 'user', value: 'bob@school.test', affiliation: 'moderator' },
    { kind: 'user', value: 'carla@school.test', affiliation: 'member' },
  ];

  it("gives a group member the group entry's affiliation", () => {
    expect(affiliationFor(list, visitor())).toBe('member');
  });

  it('lets moderator win when several entries match, whatever their order', () => {
    expect(affiliationFor(list, visitor({ idpRoles: ['teachers', 'school/management', 'management'] }))).toBe('moderator');
    expect(affiliationFor([...list].reverse(), visitor({ idpRoles: ['teachers', 'school/management'] }))).toBe('moderator');
    expect(affiliationFor(list, visitor({ email: 'bob@school.test' }))).toBe('moderator');
  });

  it('matches a user entry by verified email, case-insensitively', () => {
    expect(affiliationFor(list, visitor({ email: 'Carla@School.test', idpRoles: [] }))).toBe('member');
    expect(affiliationFor(list, visitor({ email: 'bob@school.test', idpRoles: [] }))).toBe('moderator');
  });

  it('does not match a user entry when the email is not verified', () => {
    expect(affiliationFor(list, visitor({ email: 'bob@school.test', emailVerified: false, idpRoles: [] }))).toBeNull();
  });

  it('refuses someone on no entry, and everyone on an empty list', () => {
    expect(affiliationFor(list, visitor({ email: 'sam@school.test', idpRoles: ['students'] }))).toBeNull();
    expect(affiliationFor(list, visitor({ idpRoles: ['management'] }))).toBeNull(); // "school/management" is not "management"
    expect(affiliationFor([], visitor())).toBeNull();
  });
});

describe("parseAccessList (the admin form's lines)", () => {
  it('reads group and user lines, member by default, and normalises values', () => {
    const { entries, problems } = parseAccessList(
      'group:Teachers moderator\n\n# comment\nuser: Anna@School.test\ngroup:/school/staff member\nbob@school.test moderator\ngroup:Staff Room member',
    );
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      { kind: 'group', value: 'teachers', affiliation: 'moderator' },
      { kind: 'user', value: 'anna@school.test', affiliation: 'member' },
      { kind: 'group', value: 'school/staff', affiliation: 'member' },
      { kind: 'user', value: 'bob@school.test', affiliation: 'moderator' },
      { kind: 'group', value: 'staff room', affiliation: 'member' },
    ]);
  });

  it('reports each bad line with its number and keeps the good ones', () => {
    const { entries, problems } = parseAccessList(
      'group:teachers moderator\nteachers\nuser:not-an-email\ngroup:teachers member\nrole:admins\ngroup:students boss\ngroup:',
    );
    expect(entries).toEqual([{ kind: 'group', value: 'teachers', affiliation: 'moderator' }]);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'start the line with group: or user:, e.g. group:teachers moderator'],
      [3, '"not-an-email" is not an email address (user entries name a person by email, e.g. anna@school.test)'],
      [4, 'group:teachers is listed twice'],
      [5, '"role:" is neither group: nor user:'],
      [6, 'end the line with member or moderator (found "boss")'],
      [7, 'a group entry needs a group name, e.g. teachers'],
    ]);
  });

  it('writes entries back as the same lines', () => {
    const text = 'group:teachers moderator\nuser:anna@school.test member';
    expect(formatAccessList(parseAccessList(text).entries)).toBe(text);
  });
});

describe('slugOf', () => {
  it('makes a readable address part from a name', () => {
    expect(slugOf('Staff room')).toBe('staff-room');
    expect(slugOf('  Lehrerzimmer Süd / Straße ')).toBe('lehrerzimmer-sud-strasse');
    expect(slugOf('!!!')).toBe('');
  });
});

describe('CreateRoomDto', () => {
  const flatten = (errors: ValidationError[], prefix = ''): [string, string[]][] =>
    errors.flatMap((error) => {
      const field = prefix ? `${prefix}.${error.property}` : error.property;
      return [...(error.constraints ? [[field, Object.values(error.constraints)] as [string, string[]]] : []), ...flatten(error.children ?? [], field)];
    });
  const check = async (body: object) =>
    Object.fromEntries(flatten(await validate(plainToInstance(CreateRoomDto, body), { whitelist: true, forbidNonWhitelisted: true })));
  const serverId = '6f1c2a1e-7a49-4f7c-9d36-0f5d3b1f2a10';

  it('accepts a valid room and normalises access values', async () => {
    const dto = plainToInstance(CreateRoomDto, {
      name: ' Staff room ',
      slug: 'Staff-Room',
      serverId,
      access: [{ kind: 'group', value: '/Teachers', affiliation: 'moderator' }],
    });
    expect(await validate(dto)).toEqual([]);
    expect(dto).toMatchObject({ name: 'Staff room', slug: 'staff-room', access: [{ kind: 'group', value: 'teachers', affiliation: 'moderator' }] });
  });

  it('names every bad field, entry by entry', async () => {
    const errors = await check({
      name: '',
      slug: 'staff room!',
      serverId: 'x',
      access: [
        { kind: 'team', value: 'x', affiliation: 'member' },
        { kind: 'user', value: 'nobody', affiliation: 'owner' },
        { kind: 'group', value: 'teachers', affiliation: 'member' },
        { kind: 'group', value: 'Teachers', affiliation: 'moderator' },
      ],
    });
    expect(Object.keys(errors).sort()).toEqual(['access', 'access.0.kind', 'access.1.affiliation', 'access.1.value', 'name', 'serverId', 'slug']);
    expect(errors.access).toEqual(['entry 4 (group:teachers) is listed twice']);
    expect(errors['access.1.value'][0]).toContain('is not an email address');
  });
});
