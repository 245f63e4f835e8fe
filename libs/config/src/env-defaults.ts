/** What the environment means when a variable is not set (see environment.ts for the rules). */

/** Defaults for a developer machine; production must set the secrets itself. */
export const ENV_DEFAULTS: Readonly<Record<string, string>> = {
  NODE_ENV: 'development',
  PORT: '3000',
  PUBLIC_URL: 'http://localhost:3000',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/moderato',
  REDIS_URL: 'redis://127.0.0.1:6379',
  LOG_LEVEL: 'info',
  DEFAULT_LOCALE: 'en',
  PRODUCT_NAME: 'Moderato',
  DEFAULT_TIMEZONE: 'UTC',
  TRUST_PROXY: 'false',
  SHUTDOWN_TIMEOUT_MS: '10000',
  WORKER_HEALTH_PORT: '0',
  OIDC_CLIENT_ID: 'moderato',
  OIDC_SCOPES: 'openid email profile',
  OIDC_ROLE_CLAIMS: 'realm_access.roles,resource_access.${clientId}.roles,groups,roles',
  ORGANIZER_ROLES: 'teachers',
  ADMIN_ROLES: 'admins',
  SESSION_IDLE_MINUTES: '60',
  SESSION_MAX_HOURS: '8',
  TOKEN_MAX_TTL_MINUTES: '240',
  DEFAULT_JOIN_WINDOW_MINUTES: '15',
  MAX_MEETING_MINUTES: '1440',
  RATE_LIMIT_PER_MINUTE: '60',
  SMTP_URL: 'smtp://127.0.0.1:1025',
  MAIL_FROM: 'Moderato <moderato@localhost>',
  MAIL_RETRY_HOURS: '48',
  LDAP_USER_FILTER: '(&(objectClass=person)(uid={username}))',
  LDAP_USERNAME_ATTRIBUTE: 'uid',
  LDAP_EMAIL_ATTRIBUTE: 'mail',
  LDAP_NAME_ATTRIBUTE: 'cn',
  LDAP_UNIQUE_ATTRIBUTE: 'entryUUID',
  LDAP_GROUP_MEMBERSHIP: 'memberOf',
  LDAP_GROUP_FILTER: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))',
  LDAP_GROUP_NAME_ATTRIBUTE: 'cn',
  LDAP_TIMEOUT_MS: '5000',
  DEV_JITSI_URL: 'http://localhost:8000',
};

/** Used only outside production, so a fresh clone runs without any setup. Never secret. */
export const DEVELOPMENT_SECRETS: Readonly<Record<string, string>> = {
  COOKIE_SECRET: 'development-only-cookie-secret-do-not-use-in-production',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  /** The development identity provider of `npm run dev` (apps/dev-idp). */
  OIDC_ISSUER: 'http://localhost:4000',
  OIDC_CLIENT_SECRET: 'moderato-dev-secret',
};

/** Names whose values must never be echoed, even in a validation error. */
export const SECRET_VARIABLES = new Set([
  'COOKIE_SECRET',
  'SECRETS_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'OIDC_CLIENT_SECRET',
  'JITSI_APP_SECRET',
  'SMTP_URL',
  'LDAP_BIND_PASSWORD',
  'KEYCLOAK_ADMIN_CLIENT_SECRET',
  'METRICS_TOKEN',
]);
