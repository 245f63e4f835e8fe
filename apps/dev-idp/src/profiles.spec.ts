import { DEFAULT_TENANT_ID, groupObjectId, profileClaimsFor, scopeClaims, tenantOf } from './profiles';
import type { DevIdpUser } from './users';

const anna: DevIdpUser = { email: 'Anna.Lehrer@school.org', password: 'x', name: 'Anna Lehrer', groups: ['teachers', 'school/staff'] };
const TENANT_ISSUER = 'http://127.0.0.1:4000/3f6c2a9e-1b7d-4c5e-9a8f-2d4b6e8c0a1f/v2.0';

describe('dev IdP profiles: the claims each provider really sends', () => {
  it('keycloak: email_verified, group paths and realm roles', () => {
    expect(profileClaimsFor(anna, 'keycloak', 'http://127.0.0.1:4000/realms/school')).toMatchObject({
      email_verified: true,
      groups: ['/teachers', '/school/staff'],
      realm_access: { roles: ['teachers', 'staff'] },
    });
  });

  it('entra: no email_verified, tid from the issuer, the UPN as preferred_username, groups as object ids', () => {
    const claims = profileClaimsFor({ ...anna, claims: { roles: ['teachers'], xms_edov: true } }, 'entra', TENANT_ISSUER);
    expect(claims).not.toHaveProperty('email_verified');
    expect(claims).not.toHaveProperty('realm_access');
    expect(claims).toMatchObject({
      tid: '3f6c2a9e-1b7d-4c5e-9a8f-2d4b6e8c0a1f',
      oid: claims.sub,
      preferred_username: 'Anna.Lehrer@school.org',
      groups: [groupObjectId('teachers'), groupObjectId('school/staff')],
      roles: ['teachers'],
      xms_edov: true,
    });
    expect(groupObjectId('Teachers')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tenantOf('http://127.0.0.1:4000/')).toBe(DEFAULT_TENANT_ID);
  });

  it('google: hd and email_verified, no groups', () => {
    const claims = profileClaimsFor(anna, 'google', 'http://127.0.0.1:4000');
    expect(claims).toMatchObject({ hd: 'school.org', email_verified: true });
    expect(claims).not.toHaveProperty('groups');
    expect(claims).not.toHaveProperty('realm_access');
  });

  it('authentik: groups by name, the username as preferred_username', () => {
    expect(profileClaimsFor(anna, 'authentik', 'http://127.0.0.1:4000/application/o/moderato/')).toMatchObject({
      groups: ['teachers', 'school/staff'],
      preferred_username: 'Anna.Lehrer',
      email_verified: true,
    });
  });

  it("a user's own claims add to or (null) remove from the profile's, never the subject", () => {
    const claims = profileClaimsFor({ ...anna, claims: { email_verified: null, department: '8a' } }, 'keycloak', 'http://127.0.0.1:4000');
    expect(claims).not.toHaveProperty('email_verified');
    expect(claims.department).toBe('8a');
    expect(scopeClaims([{ ...anna, claims: { department: '8a' } }]).profile).toContain('department');
  });
});
