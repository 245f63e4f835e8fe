import { ConfigError, loadConfig } from './index';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig: the OpenID Connect settings providers need', () => {
  it('keeps OIDC_ISSUER exactly as configured, trailing slash included (Authentik) or not (Keycloak)', () => {
    expect(loadConfig({ OIDC_ISSUER: 'https://auth.school.org/application/o/moderato/' }).oidc.issuer).toBe('https://auth.school.org/application/o/moderato/');
    expect(loadConfig({ OIDC_ISSUER: 'https://login.school.org/realms/school' }).oidc.issuer).toBe('https://login.school.org/realms/school');
  });

  it('still derives the Keycloak admin API from a realm issuer with a trailing slash', () => {
    const config = loadConfig({ OIDC_ISSUER: 'https://login.school.org/realms/school/', KEYCLOAK_ADMIN_CLIENT_ID: 'dir', KEYCLOAK_ADMIN_CLIENT_SECRET: 's' });
    expect(config.keycloakDirectory?.adminUrl).toBe('https://login.school.org/admin/realms/school');
  });

  it('reads OIDC_TRUSTED_EMAIL_DOMAINS as lower-cased exact domains, none by default', () => {
    expect(loadConfig({}).oidc.trustedEmailDomains).toEqual([]);
    expect(loadConfig({ OIDC_TRUSTED_EMAIL_DOMAINS: 'School.org, staff.school.org' }).oidc.trustedEmailDomains).toEqual(['school.org', 'staff.school.org']);
  });

  it('refuses a trusted domain that is not a domain (a wildcard, an address, a URL)', () => {
    for (const value of ['*.school.org', 'anna@school.org', 'https://school.org', 'school', 'school.org,']) {
      expect(problemsOf({ OIDC_TRUSTED_EMAIL_DOMAINS: value })).toContain('OIDC_TRUSTED_EMAIL_DOMAINS must be a comma-separated list of email domains');
    }
  });

  it('reads OIDC_GROUP_ROLE_MAP as group id → names, ids compared case-insensitively', () => {
    const map = loadConfig({
      OIDC_GROUP_ROLE_MAP:
        '2F1C6B1E-0000-4000-8000-000000000001:teachers, 9a7b0c2d-0000-4000-8000-000000000002:Admins,2f1c6b1e-0000-4000-8000-000000000001:staff',
    }).oidc.groupRoleMap;
    expect(map.get('2f1c6b1e-0000-4000-8000-000000000001')).toEqual(['teachers', 'staff']);
    expect(map.get('9a7b0c2d-0000-4000-8000-000000000002')).toEqual(['admins']);
    expect(loadConfig({}).oidc.groupRoleMap.size).toBe(0);
  });

  it('refuses a group map entry without both a group id and a name', () => {
    for (const value of ['2f1c6b1e', '2f1c6b1e:', ':teachers', '2f1c6b1e:teachers:admins', '2f1c6b1e:teachers;9a7b:admins']) {
      expect(problemsOf({ OIDC_GROUP_ROLE_MAP: value })).toContain('OIDC_GROUP_ROLE_MAP must be a comma-separated list of <group id>:<role name>');
    }
  });
});
