import { emailVerifiedFrom } from './email-trust';
import { discoveryDocumentUrl, issuerMismatch } from './issuer';
import { effectiveRoles, rolesFromClaims } from './role-mapping';

const DEFAULT_PATHS = ['realm_access.roles', 'resource_access.moderato.roles', 'groups', 'roles'];
const TRUSTED = ['school.org'];

describe('emailVerifiedFrom: when an address counts as verified', () => {
  it.each<[string, Record<string, unknown>, string, string[], boolean]>([
    ['Keycloak / Google say email_verified true', { email_verified: true }, 'anna@gmail.com', [], true],
    ['email_verified as the string "true"', { email_verified: 'true' }, 'anna@school.org', [], true],
    ['an explicit email_verified false stays unverified, even in a trusted domain', { email_verified: false }, 'anna@school.org', TRUSTED, false],
    ['Entra: no email_verified, nothing trusted', {}, 'anna@school.org', [], false],
    ['Entra: no email_verified, the domain is trusted', { tid: 't' }, 'anna@school.org', TRUSTED, true],
    ['Entra: trusted domain, upper case in the address', {}, 'Anna@School.ORG', TRUSTED, true],
    ['Entra: xms_edov true in a trusted domain', { xms_edov: true }, 'anna@school.org', TRUSTED, true],
    ['Entra: xms_edov false in a trusted domain (the tenant did not verify it)', { xms_edov: false }, 'anna@school.org', TRUSTED, false],
    ['Entra: xms_edov "0"', { xms_edov: '0' }, 'anna@school.org', TRUSTED, false],
    ['Entra: xms_edov true outside the trusted domains is never enough', { xms_edov: true }, 'anna@gmail.com', TRUSTED, false],
    ['Entra: xms_edov true without any trusted domain', { xms_edov: true }, 'anna@school.org', [], false],
    ['a subdomain is not trusted unless listed', {}, 'anna@pupils.school.org', TRUSTED, false],
    ['a listed subdomain is', {}, 'anna@pupils.school.org', ['school.org', 'pupils.school.org'], true],
    ['a look-alike domain ending in the trusted one is not', {}, 'anna@evilschool.org', TRUSTED, false],
    ['an address without a domain is not', {}, 'anna', TRUSTED, false],
  ])('%s', (_label, claims, email, trusted, verified) => {
    expect(emailVerifiedFrom(claims, email, trusted)).toBe(verified);
  });
});

describe('rolesFromClaims with OIDC_GROUP_ROLE_MAP (Entra group object ids)', () => {
  const map = new Map([
    ['2f1c6b1e-0000-4000-8000-000000000001', ['teachers']],
    ['9a7b0c2d-0000-4000-8000-000000000002', ['admins']],
  ]);

  it('adds the names the group ids stand for; the ids stay visible, unknown ids add nothing', () => {
    const claims = { groups: ['2F1C6B1E-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-00000000000f'] };
    const names = rolesFromClaims(claims, DEFAULT_PATHS, map);
    expect(names).toEqual(['2f1c6b1e-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-00000000000f', 'teachers']);
    expect(effectiveRoles(names, {}, { organizer: ['teachers'], admin: ['admins'] })).toEqual(['participant', 'organizer']);
  });

  it("reads Entra's app roles from the default `roles` claim next to mapped groups", () => {
    const names = rolesFromClaims({ roles: ['Teachers'], groups: ['9a7b0c2d-0000-4000-8000-000000000002'] }, DEFAULT_PATHS, map);
    expect(effectiveRoles(names, {}, { organizer: ['teachers'], admin: ['admins'] })).toEqual(['participant', 'organizer', 'admin']);
  });

  it('maps nothing without the setting', () => {
    expect(rolesFromClaims({ groups: ['2f1c6b1e-0000-4000-8000-000000000001'] }, DEFAULT_PATHS)).toEqual(['2f1c6b1e-0000-4000-8000-000000000001']);
  });
});

describe('issuerMismatch: the configured issuer against the announced one', () => {
  it('is null only for the same string', () => {
    expect(issuerMismatch('https://auth.school.org/application/o/moderato/', 'https://auth.school.org/application/o/moderato/')).toBeNull();
  });
  it.each([
    ['https://auth.school.org/application/o/moderato', 'https://auth.school.org/application/o/moderato/', 'the trailing slash differs'],
    ['https://login.school.org/realms/School', 'https://login.school.org/realms/school', 'upper and lower case differ'],
    ['http://login.school.org/realms/school', 'https://login.school.org/realms/school', 'the scheme, host or port differs'],
    ['https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/5e1c0a00-0000-4000-8000-000000000000/v2.0', 'the path differs'],
  ])('%s vs %s: %s', (configured, announced, why) => {
    const text = issuerMismatch(configured, announced)!;
    expect(text).toContain(`OIDC_ISSUER is ${configured} but the identity provider announces ${announced} (${why})`);
    expect(text).toContain(`set OIDC_ISSUER=${announced} exactly`);
  });
});

describe('discoveryDocumentUrl', () => {
  it('puts one slash before .well-known, with or without a trailing slash on the issuer', () => {
    expect(discoveryDocumentUrl('https://auth.school.org/application/o/moderato/')).toBe(
      'https://auth.school.org/application/o/moderato/.well-known/openid-configuration',
    );
    expect(discoveryDocumentUrl('https://login.school.org/realms/school')).toBe('https://login.school.org/realms/school/.well-known/openid-configuration');
  });
});
