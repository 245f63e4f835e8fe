import { claimAt, effectiveRoles, rolesFromClaims } from './role-mapping';

const DEFAULT_PATHS = ['realm_access.roles', 'resource_access.moderato.roles', 'groups', 'roles'];
const settings = { organizer: ['teachers'], admin: ['admins'] };

describe('claimAt', () => {
  it('follows nested paths', () => {
    expect(claimAt({ realm_access: { roles: ['a'] } }, 'realm_access.roles')).toEqual(['a']);
  });
  it('finds keys that contain dots (client ids like "school.portal")', () => {
    const claims = { resource_access: { 'school.portal': { roles: ['teachers'] } } };
    expect(claimAt(claims, 'resource_access.school.portal.roles')).toEqual(['teachers']);
  });
  it('returns undefined for missing or non-object steps', () => {
    expect(claimAt({}, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({ realm_access: 'x' }, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({ realm_access: null }, 'realm_access.roles')).toBeUndefined();
    expect(claimAt(null, 'a')).toBeUndefined();
  });
});

describe('rolesFromClaims over real-world claim shapes', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'Keycloak realm roles',
      { realm_access: { roles: ['teachers', 'offline_access', 'uma_authorization'] } },
      ['offline_access', 'teachers', 'uma_authorization'],
    ],
    ['Keycloak client roles', { resource_access: { moderato: { roles: ['Admins'] }, account: { roles: ['manage-account'] } } }, ['admins']],
    ['Keycloak group full paths', { groups: ['/teachers', '/school/7b'] }, ['7b', 'school/7b', 'teachers']],
    ['groups without leading slash', { groups: ['students'] }, ['students']],
    ['Azure / Entra ID app roles', { roles: ['Teachers', 'Moderato.Admins'] }, ['moderato.admins', 'teachers']],
    ['a space-separated string', { roles: 'teachers admins' }, ['admins', 'teachers']],
    ['no role claims at all', { email: 'x@school.test' }, []],
    ['non-string junk in arrays', { groups: ['/teachers', 42, null, { name: 'x' }, '', '/'] }, ['teachers']],
    ['everything at once, deduplicated', { realm_access: { roles: ['teachers'] }, groups: ['/teachers'], roles: ['TEACHERS'] }, ['teachers']],
  ])('%s', (_name, claims, expected) => {
    expect(rolesFromClaims(claims, DEFAULT_PATHS)).toEqual(expected);
  });

  it('reads only the configured paths', () => {
    expect(rolesFromClaims({ groups: ['/admins'], realm_access: { roles: ['teachers'] } }, ['realm_access.roles'])).toEqual(['teachers']);
  });
});

describe('effectiveRoles', () => {
  it('makes everyone who signs in a participant, and nothing more without roles', () => {
    expect(effectiveRoles([], {}, settings)).toEqual(['participant']);
    expect(effectiveRoles(['students'], {}, settings)).toEqual(['participant']);
  });

  it('maps teachers to organizer and admins to admin (case-insensitive, group paths allowed in settings)', () => {
    expect(effectiveRoles(['teachers'], {}, settings)).toEqual(['participant', 'organizer']);
    expect(effectiveRoles(['admins'], {}, settings)).toEqual(['participant', 'admin']);
    expect(effectiveRoles(['admins', 'teachers'], {}, { organizer: ['/Teachers'], admin: ['ADMINS'] })).toEqual(['participant', 'organizer', 'admin']);
  });

  it('accepts several role names per setting', () => {
    expect(effectiveRoles(['staff'], {}, { organizer: ['teachers', 'staff'], admin: [] })).toContain('organizer');
  });

  it('lets a local override win over the IdP in both directions', () => {
    expect(effectiveRoles(['teachers'], { organizer: 'block' }, settings)).toEqual(['participant']);
    expect(effectiveRoles(['students'], { organizer: 'grant' }, settings)).toEqual(['participant', 'organizer']);
    expect(effectiveRoles(['admins'], { admin: 'block' }, settings)).toEqual(['participant']);
    expect(effectiveRoles([], { admin: 'grant' }, settings)).toEqual(['participant', 'admin']);
  });

  it('never lets a student become organizer just by signing in', () => {
    expect(effectiveRoles(['students', 'offline_access', 'default-roles-moderato'], {}, settings)).not.toContain('organizer');
  });
});
