export { User, timezoneSourceOf, type RoleOverride, type RoleOverrides, type TimezoneSource } from './user.entity';
export { Session } from './session.entity';
export type { AuthContext, AuthFailure, TokenFailure } from './auth-context';
export { ApiToken, API_TOKEN_SCOPES, type ApiTokenScope } from './api-token.entity';
export { CreateApiTokenDto } from './dto/api-token.dto';
export { ApiTokensService, ApiTokenNotFound, API_TOKEN_PREFIX, hashApiToken, type ApiTokenCheck } from './api-tokens.service';
export { RoleGrant } from './role-grant.entity';
export { AuthGuard, CurrentAuth, RequireRoles, TokenScope } from './auth.guard';
export { SESSION_COOKIE, LOGIN_COOKIE, sessionCookieOptions, loginCookieOptions } from './cookies';
export {
  AccountDisabled,
  ApiTokenRejected,
  ApiTokenScopeMissing,
  DirectoryGroupNotFound,
  DirectoryGroupUnreadable,
  DirectoryMisconfigured,
  DirectoryNotConfigured,
  DirectoryUnavailable,
  InvalidCredentials,
  LastAdmin,
  LoginFailed,
  LoginRequired,
  RoleRequired,
  SelfDeletion,
  SelfLockout,
  SessionNotFound,
  SignInUnavailable,
  UserNotFound,
  type CredentialsProblem,
  type LoginFailure,
} from './identity.errors';
export { IdentityModule } from './identity.module';
export { OidcService, type LoginTransaction, type CompletedLogin } from './oidc.service';
export { claimAt, effectiveRoles, rolesFromClaims, type Role, type RoleSettings } from './role-mapping';
export { emailVerifiedFrom } from './email-trust';
export { discoveryDocumentUrl, issuerMismatch } from './issuer';
export { SessionMiddleware } from './session.middleware';
export { SessionsService, hashSessionToken, type SessionCheck } from './sessions.service';
export { SignInService, type LdapSignIn, type SignInContext, type SignedIn } from './sign-in.service';
export { UsersService, type IdentityProfile, type RoleFilter, type OverrideChoice, type AdminActor } from './users.service';
export { MAX_GROUP_MEMBERS, type Directory, type DirectoryGroup, type DirectoryGroupMembers, type DirectoryPerson } from './directory';
export { DirectoryService } from './directory.service';
export { LdapService } from './ldap/ldap.service';
export { LdapDirectoryService } from './ldap/ldap-directory.service';
export { LdapConnection, type DirectoryFailures } from './ldap/ldap-connection';
export { escapeFilterValue } from './ldap/ldap-filter';
export { KeycloakDirectoryService } from './keycloak-directory.service';
export { PeopleModule, PeopleStore } from './people.store';
export { PersonRecordsService, type IdentityExport } from './person-records.service';
export { CalendarFeed } from './calendar-feed.entity';
export { CalendarFeedsService, CALENDAR_FEED_SECRET } from './calendar-feeds.service';
