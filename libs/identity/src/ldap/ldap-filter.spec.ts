import { containsFilter, escapeFilterValue, everyoneFilter, firstRdnValue, guidToString, userFilterFor } from './ldap-filter';

describe('LDAP filter escaping (RFC 4515)', () => {
  it.each<[string, string]>([
    ['teacher', 'teacher'],
    ['*', '\\2a'],
    [')(', '\\29\\28'],
    ['\\00', '\\5c00'],
    ['\u0000', '\\00'],
    ['admin)(|(uid=*', 'admin\\29\\28|\\28uid=\\2a'],
    ['Jürgen Müller', 'Jürgen Müller'],
  ])('escapes %j as %j', (input, expected) => {
    expect(escapeFilterValue(input)).toBe(expected);
  });

  it('puts the escaped name into the configured filter, so an injection stays a literal value', () => {
    const template = '(&(objectClass=person)(uid={username}))';
    expect(userFilterFor(template, 'teacher')).toBe('(&(objectClass=person)(uid=teacher))');
    expect(userFilterFor(template, '*')).toBe('(&(objectClass=person)(uid=\\2a))');
    expect(userFilterFor(template, 'x)(|(uid=*))')).toBe('(&(objectClass=person)(uid=x\\29\\28|\\28uid=\\2a\\29\\29))');
    expect(userFilterFor('(|(uid={username})(mail={username}))', 'a*')).toBe('(|(uid=a\\2a)(mail=a\\2a))');
  });

  it('matches everyone with a presence test, and searches a box literally', () => {
    expect(everyoneFilter('(&(objectClass=person)(uid={username}))')).toBe('(&(objectClass=person)(uid=*))');
    expect(containsFilter('cn', 'a*b')).toBe('(cn=*a\\2ab*)');
  });
});

describe('DN helpers', () => {
  it('reads the first RDN value, undoing DN escapes', () => {
    expect(firstRdnValue('cn=7b,ou=groups,dc=school,dc=test', 'cn')).toBe('7b');
    expect(firstRdnValue('CN=Lehrer\\, alle,OU=Groups,DC=school,DC=org', 'cn')).toBe('Lehrer, alle');
    expect(firstRdnValue('cn=Sch\\C3\\BCler,ou=groups', 'cn')).toBe('Schüler');
    expect(firstRdnValue('ou=groups,dc=school', 'cn')).toBeNull();
  });

  it('formats an Active Directory objectGUID like Windows does', () => {
    const bytes = Buffer.from('78563412341278563412345678123456', 'hex');
    expect(guidToString(bytes)).toBe('12345678-1234-5678-3412-345678123456');
  });
});
