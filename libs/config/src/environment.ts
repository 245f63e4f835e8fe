import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf, registerDecorator, type ValidationOptions } from 'class-validator';

/** True when `value` is base64 (standard or url-safe) of exactly `bytes` bytes. */
function IsBase64Key(bytes: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBase64Key',
      target: target.constructor,
      propertyName,
      options: { message: `must be ${bytes} random bytes in base64 (generate one with: openssl rand -base64 ${bytes})`, ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
          return Buffer.from(value, 'base64').length === bytes;
        },
      },
    });
}

function IsTimeZone(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value === '') return false;
          try {
            new Intl.DateTimeFormat('en', { timeZone: value });
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

const BOOLEAN = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'];
const isProduction = (env: EnvironmentVariables) => env.NODE_ENV === 'production';

/**
 * Every environment variable Moderato reads, as strings, exactly as the process sees them.
 * Defaults live in `ENV_DEFAULTS`; the meaning of each is documented in `.env.example`.
 * Secrets have no default in production: boot stops and names them.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'], { message: 'must be one of development, test, production' })
  NODE_ENV: string;

  @Matches(/^\d{1,5}$/, { message: 'must be a TCP port number (1-65535)' })
  PORT: string;

  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'must be the absolute http(s) URL people use to reach Moderato, e.g. https://moderato.school.org',
  })
  PUBLIC_URL: string;

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/moderato' })
  DATABASE_URL: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  DB_MIGRATE_ON_BOOT?: string;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a Redis URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL: string;

  @ValidateIf((env: EnvironmentVariables) => isProduction(env) || env.COOKIE_SECRET !== undefined)
  @IsString({ message: 'is required in production: a random string of at least 32 characters (openssl rand -base64 48)' })
  @MinLength(32, { message: 'must be at least 32 characters long (openssl rand -base64 48)' })
  COOKIE_SECRET?: string;

  @ValidateIf((env: EnvironmentVariables) => isProduction(env) || env.SECRETS_KEY !== undefined)
  @IsString({ message: 'is required in production: 32 random bytes in base64 (openssl rand -base64 32)' })
  @IsBase64Key(32)
  SECRETS_KEY?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL: string;

  @IsIn(['en', 'de'], { message: 'must be one of en, de' })
  DEFAULT_LOCALE: string;

  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(60, { message: 'must be at most 60 characters' })
  PRODUCT_NAME: string;

  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Berlin or UTC' })
  DEFAULT_TIMEZONE: string;

  @Matches(/^(false|true|\d{1,2}|loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message: 'must be false, true, a hop count, loopback, or a comma-separated list of proxy addresses/CIDRs',
  })
  TRUST_PROXY: string;

  @Matches(/^\d{3,6}$/, { message: 'must be a number of milliseconds between 100 and 999999' })
  SHUTDOWN_TIMEOUT_MS: string;

  @Matches(/^\d{1,5}$/, { message: 'must be a TCP port number (1-65535), or 0 for none' })
  WORKER_HEALTH_PORT: string;

  @ValidateIf((env: EnvironmentVariables) => (isProduction(env) && env.LDAP_URL === undefined) || env.OIDC_ISSUER !== undefined)
  @IsString({
    message: 'is required in production (unless LDAP_URL is set): the issuer URL of your identity provider, e.g. https://keycloak.school.org/realms/school',
  })
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'must be the issuer URL of the identity provider, e.g. https://keycloak.school.org/realms/school' })
  OIDC_ISSUER?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+\/\.well-known\/openid-configuration$/, {
    message: 'must be the URL of the discovery document, ending in /.well-known/openid-configuration',
  })
  OIDC_DISCOVERY_URL?: string;

  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be the client id registered at the identity provider' })
  OIDC_CLIENT_ID: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OIDC_CLIENT_SECRET?: string;

  @Matches(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, { message: 'must be space-separated scopes including openid' })
  @Matches(/(^| )openid( |$)/, { message: 'must include the scope openid' })
  OIDC_SCOPES: string;

  @Matches(/^[A-Za-z0-9_.${}:/-]+(\s*,\s*[A-Za-z0-9_.${}:/-]+)*$/, {
    message: 'must be a comma-separated list of claim paths, e.g. realm_access.roles,groups',
  })
  OIDC_ROLE_CLAIMS: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  OIDC_ALLOW_INSECURE_HTTP?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(\s*,\s*[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)*$/, {
    message: 'must be a comma-separated list of email domains your organisation owns, e.g. school.org,staff.school.org',
  })
  OIDC_TRUSTED_EMAIL_DOMAINS?: string;

  @IsOptional()
  @Matches(/^[^\s:,]+:[^\s:,]+(\s*,\s*[^\s:,]+:[^\s:,]+)*$/, {
    message: 'must be a comma-separated list of <group id>:<role name>, e.g. 2f1c…:teachers,9a7b…:admins',
  })
  OIDC_GROUP_ROLE_MAP?: string;

  @Matches(/^[^,\s]+(\s*,\s*[^,\s]+)*$/, { message: 'must be a comma-separated list of role or group names' })
  ORGANIZER_ROLES: string;

  @Matches(/^[^,\s]+(\s*,\s*[^,\s]+)*$/, { message: 'must be a comma-separated list of role or group names' })
  ADMIN_ROLES: string;

  @Matches(/^\d{1,5}$/, { message: 'must be a whole number of minutes (1-10080)' })
  SESSION_IDLE_MINUTES: string;

  @Matches(/^\d{1,4}$/, { message: 'must be a whole number of hours (1-720)' })
  SESSION_MAX_HOURS: string;

  @IsOptional()
  @IsString()
  DEV_IDP_USERS_FILE?: string;

  @Matches(/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):\d{1,5}$/, { message: 'must be a loopback http URL with a port, e.g. http://localhost:8000' })
  DEV_JITSI_URL: string;

  @IsOptional()
  @Matches(/^(127\.0\.0\.1|0\.0\.0\.0|::1?|localhost)$/, { message: 'must be 127.0.0.1, 0.0.0.0, ::1, :: or localhost' })
  DEV_JITSI_HOST?: string;

  @Matches(/^\d{1,4}$/, { message: 'must be a whole number of minutes (5-1440)' })
  TOKEN_MAX_TTL_MINUTES: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  GUEST_ACCESS_ALLOWED?: string;

  @Matches(/^\d{1,3}$/, { message: 'must be a whole number of minutes (0-240)' })
  DEFAULT_JOIN_WINDOW_MINUTES: string;

  @Matches(/^\d{1,4}$/, { message: 'must be a whole number of minutes (15-1440)' })
  MAX_MEETING_MINUTES: string;

  @Matches(/^\d{1,6}$/, { message: 'must be a whole number of requests per minute (0 turns the limit off)' })
  RATE_LIMIT_PER_MINUTE: string;

  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an SMTP URL, e.g. smtp://user:password@mail.school.org:587 (smtps:// for TLS on connect)' })
  SMTP_URL: string;

  @Matches(/^(.+<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, { message: 'must be an address, e.g. Moderato <moderato@school.org>' })
  MAIL_FROM: string;

  @Matches(/^\d{1,3}$/, { message: 'must be a whole number of hours (1-720)' })
  MAIL_RETRY_HOURS: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'must be the Jitsi Meet base URL, e.g. https://meet.school.org' })
  JITSI_URL?: string;

  @ValidateIf((env: EnvironmentVariables) => env.JITSI_URL !== undefined)
  @Matches(/^[a-z0-9.-]+$/i, { message: 'must be the XMPP domain (docker-jitsi-meet: meet.jitsi); required with JITSI_URL' })
  JITSI_DOMAIN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.JITSI_URL !== undefined)
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be the app id (docker JWT_APP_ID); required with JITSI_URL' })
  JITSI_APP_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.JITSI_URL !== undefined)
  @IsString({ message: 'is required with JITSI_URL: the shared secret (docker JWT_APP_SECRET), at least 32 characters' })
  @MinLength(32, { message: 'must be at least 32 characters (openssl rand -hex 32)' })
  JITSI_APP_SECRET?: string;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be the accepted audience (docker JWT_ACCEPTED_AUDIENCES)' })
  JITSI_AUDIENCE?: string;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+\/admin\/realms\/[^\s/?#]+\/?$/, {
    message: 'must be the admin API URL of the realm, e.g. https://keycloak.school.org/admin/realms/school',
  })
  KEYCLOAK_ADMIN_URL?: string;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'must be the client id of a Keycloak client with a service account (roles view-users, query-groups)' })
  KEYCLOAK_ADMIN_CLIENT_ID?: string;

  @ValidateIf((env: EnvironmentVariables) => env.KEYCLOAK_ADMIN_CLIENT_ID !== undefined)
  @IsString({ message: "is required with KEYCLOAK_ADMIN_CLIENT_ID: that client's secret" })
  @MinLength(1)
  KEYCLOAK_ADMIN_CLIENT_SECRET?: string;

  @IsOptional()
  @Matches(/^ldaps?:\/\/[^\s/?#]+\/?$/, { message: 'must be an LDAP URL without a path, e.g. ldaps://ldap.school.org or ldap://ldap.school.org:389' })
  LDAP_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  LDAP_BIND_DN?: string;

  @ValidateIf((env: EnvironmentVariables) => env.LDAP_BIND_DN !== undefined)
  @IsString({ message: 'is required with LDAP_BIND_DN: the password of the search account' })
  @MinLength(1)
  LDAP_BIND_PASSWORD?: string;

  @ValidateIf((env: EnvironmentVariables) => env.LDAP_URL !== undefined)
  @IsString({ message: 'is required with LDAP_URL: where people are searched, e.g. ou=people,dc=school,dc=org' })
  @Matches(/^[^=,\s][^=,]*=.+$/, { message: 'must be a DN, e.g. ou=people,dc=school,dc=org' })
  LDAP_USER_BASE_DN?: string;

  @Matches(/^\(.*\{username\}.*\)$/, { message: 'must be an LDAP filter in parentheses containing {username}, e.g. (&(objectClass=person)(uid={username}))' })
  LDAP_USER_FILTER: string;

  @Matches(/^[A-Za-z][A-Za-z0-9-]*$/, { message: 'must be an attribute name, e.g. uid or sAMAccountName' })
  LDAP_USERNAME_ATTRIBUTE: string;

  @Matches(/^[A-Za-z][A-Za-z0-9-]*$/, { message: 'must be an attribute name, e.g. mail' })
  LDAP_EMAIL_ATTRIBUTE: string;

  @Matches(/^[A-Za-z][A-Za-z0-9-]*$/, { message: 'must be an attribute name, e.g. cn or displayName' })
  LDAP_NAME_ATTRIBUTE: string;

  @Matches(/^[A-Za-z][A-Za-z0-9-]*$/, { message: 'must be an attribute name, e.g. entryUUID (OpenLDAP) or objectGUID (Active Directory)' })
  LDAP_UNIQUE_ATTRIBUTE: string;

  @IsIn(['memberOf', 'member', 'uniqueMember', 'memberUid'], { message: 'must be one of memberOf, member, uniqueMember, memberUid' })
  LDAP_GROUP_MEMBERSHIP: string;

  @ValidateIf((env: EnvironmentVariables) => env.LDAP_GROUP_BASE_DN !== undefined || (env.LDAP_URL !== undefined && env.LDAP_GROUP_MEMBERSHIP !== 'memberOf'))
  @IsString({ message: 'is required when LDAP_GROUP_MEMBERSHIP is not memberOf: where groups are searched, e.g. ou=groups,dc=school,dc=org' })
  @Matches(/^[^=,\s][^=,]*=.+$/, { message: 'must be a DN, e.g. ou=groups,dc=school,dc=org' })
  LDAP_GROUP_BASE_DN?: string;

  @Matches(/^\(.*\)$/, { message: 'must be an LDAP filter in parentheses, e.g. (objectClass=groupOfNames)' })
  LDAP_GROUP_FILTER: string;

  @Matches(/^[A-Za-z][A-Za-z0-9-]*$/, { message: 'must be an attribute name, e.g. cn' })
  LDAP_GROUP_NAME_ATTRIBUTE: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  LDAP_STARTTLS?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  LDAP_CA_FILE?: string;

  @Matches(/^\d{3,5}$/, { message: 'must be a number of milliseconds between 100 and 60000' })
  LDAP_TIMEOUT_MS: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  LDAP_ALLOW_PLAINTEXT?: string;

  @IsOptional()
  @IsIn(BOOLEAN, { message: 'must be true or false' })
  SMTP_REQUIRE_TLS?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  SMTP_CA_FILE?: string;

  @IsOptional()
  @Matches(/^[\x21-\x7e]{32,200}$/, { message: 'must be at least 32 printable characters without spaces (openssl rand -hex 32)' })
  METRICS_TOKEN?: string;
}

export { DEVELOPMENT_SECRETS, ENV_DEFAULTS, SECRET_VARIABLES } from './env-defaults';
