export { User, type RoleOverride, type RoleOverrides } from './user.entity';
export { Session } from './session.entity';
export type { AuthContext, AuthFailure } from './auth-context';
export { AuthGuard, CurrentAuth, RequireRoles } from './auth.guard';
export { SESSION_COOKIE, LOGIN_COOKIE, sessionCookieOptions, loginCookieOptions } from './cookies';
export {
  AccountDisabled,
  DirectoryGroupNotFound,
  DirectoryNotConfigured,
  DirectoryUnavailable,
  InvalidCredentials,
  LoginFailed,
  LoginRequired,
  RoleRequired,
  SessionNotFound,
  SignInUnavailable,
  type CredentialsProblem,
  type LoginFailure,
} from './identity.errors';
export { IdentityModule } from './identity.module';
export { OidcService, type LoginTransaction, type CompletedLogin } from './oidc.service';
export { claimAt, effectiveRoles, rolesFromClaims, type Role, type RoleSettings } from './role-mapping';
export { SessionMiddleware } from './session.middleware';
export { SessionsService, hashSessionToken, type SessionCheck } from './sessions.service';
export { UsersService, type IdentityProfile } from './users.service';
export { LdapService, MAX_GROUP_MEMBERS, type DirectoryGroup, type DirectoryGroupMembers, type DirectoryPerson } from './ldap/ldap.service';
export { escapeFilterValue } from './ldap/ldap-filter';
