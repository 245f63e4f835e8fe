import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DEVELOPMENT_SECRETS, ENV_DEFAULTS, EnvironmentVariables, SECRET_VARIABLES } from './environment';
import { mergeProblems, secretProblems } from './production-secrets';
import { smtpTlsSettings, type SmtpTlsSettings } from './smtp-tls';

export type NodeEnv = 'development' | 'test' | 'production';
export type Locale = 'en' | 'de';

export type LdapGroupMembership = 'memberOf' | 'member' | 'uniqueMember' | 'memberUid';

export interface LdapSettings {
  readonly url: string;
  /** Stable id of the directory, the users' `issuer`: ldap:<host:port>/<user base DN>. */
  readonly serverId: string;
  /** The search account; anonymous search when absent. */
  readonly bindDn?: string;
  readonly bindPassword?: string;
  readonly userBaseDn: string;
  /** Filter with `{username}` where the (escaped) login name goes. */
  readonly userFilter: string;
  readonly attributes: { readonly username: string; readonly email: string; readonly name: string; readonly unique: string };
  readonly groups: { readonly membership: LdapGroupMembership; readonly baseDn?: string; readonly filter: string; readonly nameAttribute: string };
  readonly startTls: boolean;
  /** PEM file with the CA(s) to trust for ldaps:// and StartTLS (default: the system's). */
  readonly caFile?: string;
  readonly timeoutMs: number;
}

/**
 * Typed, validated configuration. Services inject this class; nothing else reads the environment.
 */
export class AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly port: number;
  /** Public base URL without a trailing slash. */
  readonly publicUrl: string;
  readonly database: { readonly url: string; readonly migrateOnBoot: boolean };
  readonly redis: { readonly url: string };
  readonly secrets: { readonly cookieSecret: string; readonly secretsKey: Buffer };
  readonly log: { readonly level: string };
  readonly defaultLocale: Locale;
  readonly productName: string;
  /** IANA zone for people whose own zone is not known. */
  readonly defaultTimezone: string;
  /** Value for Express' `trust proxy` setting. */
  readonly trustProxy: boolean | number | string;
  readonly shutdownTimeoutMs: number;
  /** The worker's health endpoint (GET /healthz), 0 = none. */
  readonly workerHealthPort: number;
  readonly oidc: {
    /** False when LDAP is the only sign-in (LDAP_URL set, OIDC_ISSUER not). */
    readonly enabled: boolean;
    readonly issuer: string;
    /** Where to fetch discovery when the IdP is reached at another address than its issuer. */
    readonly discoveryUrl?: string;
    readonly clientId: string;
    /** Absent for a public client (PKCE only). */
    readonly clientSecret?: string;
    readonly scopes: string;
    /** Claim paths whose values are role names, `${clientId}` already filled in. */
    readonly roleClaims: string[];
    /** Allow an http:// issuer (development only). */
    readonly allowInsecureHttp: boolean;
    /** Lower-cased email domains whose addresses count as verified without `email_verified` (exact domains, no subdomains). */
    readonly trustedEmailDomains: string[];
    /** Group ids (e.g. Entra object ids, lower-cased) → the role or group names they stand for. */
    readonly groupRoleMap: ReadonlyMap<string, string[]>;
  };
  readonly roles: { readonly organizer: string[]; readonly admin: string[] };
  readonly session: { readonly idleMinutes: number; readonly maxHours: number };
  readonly devIdp: { readonly usersFile?: string };
  /** The development Jitsi stand-in (apps/dev-jitsi) of `npm run dev`; never used in production. */
  readonly devJitsi: { readonly url: string; readonly host?: string };
  /** retryHours: how long a mail is retried after temporary SMTP failures before it is `failed`. */
  readonly mail: { readonly smtpUrl: string; readonly from: string; readonly retryHours: number; readonly tls: SmtpTlsSettings };
  /** GET /metrics answers only with `Authorization: Bearer <token>`; absent: /metrics is a 404. */
  readonly metrics: { readonly token?: string };
  /** Organisation policy: may organizers open meetings to guests without an account? */
  readonly guestAccessAllowed: boolean;
  /** Requests per minute per client IP (and per link code) on /j/* and /auth/*; 0 = off. */
  readonly rateLimitPerMinute: number;
  /** Upper bound of a Jitsi token's lifetime (it also never outlives the meeting's window). */
  readonly tokenMaxTtlSeconds: number;
  /** Environment defaults of the organisation policy for meetings (admins may change them). */
  readonly meetingDefaults: { readonly joinWindowMinutes: number; readonly maxMinutes: number };
  /** A Jitsi server to create at boot when none exists (simple installs need no clicking). */
  readonly jitsiBootstrap?: {
    readonly baseUrl: string;
    readonly xmppDomain: string;
    readonly appId: string;
    readonly appSecret: string;
    readonly audience: string;
  };

  /** Direct LDAP sign-in (and directory search for invitations); absent when LDAP_URL is unset. */
  readonly ldap?: LdapSettings;
  /**
   * Searching people and groups in Keycloak (admin REST API, client-credentials grant of a client
   * with a service account) for group invitations; absent when not configured.
   */
  readonly keycloakDirectory?: { readonly adminUrl: string; readonly clientId: string; readonly clientSecret: string };

  constructor(values: Omit<AppConfig, never>) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; messages: string[] }[]) {
    super(
      'Moderato cannot start: the configuration is invalid.\n' +
        problems.map((p) => `  - ${p.variable} ${p.messages.join('; ')}`).join('\n') +
        '\nSee .env.example for every variable, its default and its meaning.',
    );
    this.name = 'ConfigError';
  }
}

const asBoolean = (value: string) => ['true', '1', 'yes', 'on'].includes(value.toLowerCase());

/** OIDC_GROUP_ROLE_MAP (`<group id>:<name>,…`, checked by the environment's pattern) as id → names; ids compare case-insensitively. */
function groupRoleMap(value: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of value.split(',')) {
    const [id, name] = entry.trim().split(':');
    if (!id || !name) continue;
    const key = id.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), name.toLowerCase()]);
  }
  return map;
}

function describe(errors: ValidationError[], env: Record<string, string | undefined>) {
  return errors.map((error) => {
    const raw = env[error.property];
    const shown = raw === undefined ? 'not set' : SECRET_VARIABLES.has(error.property) ? 'value hidden' : `got "${raw}"`;
    return {
      variable: error.property,
      messages: [`${Object.values(error.constraints ?? {}).join('; ')} (${shown})`],
    };
  });
}

/**
 * Validates an environment (normally `process.env`) and returns the typed configuration.
 * Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
 */
export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[key] = value.trim();
  }
  const merged: Record<string, string | undefined> = { ...ENV_DEFAULTS, ...env };
  const vars = plainToInstance(EnvironmentVariables, merged, { excludeExtraneousValues: false });
  const errors = validateSync(vars, { skipMissingProperties: false, forbidUnknownValues: false, stopAtFirstError: true });
  // Demo secrets in production and unencoded URL passwords, reported with every other problem.
  const secrets = secretProblems(merged);
  if (errors.length > 0) throw new ConfigError(mergeProblems([...describe(errors, env), ...secrets]));

  const nodeEnv = vars.NODE_ENV as NodeEnv;
  const isProduction = nodeEnv === 'production';
  const port = Number(vars.PORT);
  if (port < 1 || port > 65535) {
    throw new ConfigError([{ variable: 'PORT', messages: [`must be a TCP port number (1-65535) (got "${vars.PORT}")`] }]);
  }
  const trust = vars.TRUST_PROXY;
  const list = (value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const idleMinutes = Number(vars.SESSION_IDLE_MINUTES);
  const maxHours = Number(vars.SESSION_MAX_HOURS);
  const rangeProblems = [
    idleMinutes < 1 || idleMinutes > 10080 ? { variable: 'SESSION_IDLE_MINUTES', messages: [`must be between 1 and 10080 (got "${idleMinutes}")`] } : undefined,
    maxHours < 1 || maxHours > 720 ? { variable: 'SESSION_MAX_HOURS', messages: [`must be between 1 and 720 (got "${maxHours}")`] } : undefined,
  ].filter((problem) => problem !== undefined);
  const mailRetryHours = Number(vars.MAIL_RETRY_HOURS);
  if (mailRetryHours < 1 || mailRetryHours > 720)
    rangeProblems.push({ variable: 'MAIL_RETRY_HOURS', messages: [`must be between 1 and 720 (got "${mailRetryHours}")`] });
  const ttlMinutes = Number(vars.TOKEN_MAX_TTL_MINUTES);
  if (ttlMinutes < 5 || ttlMinutes > 1440) {
    rangeProblems.push({ variable: 'TOKEN_MAX_TTL_MINUTES', messages: [`must be between 5 and 1440 (got "${ttlMinutes}")`] });
  }
  const joinWindowMinutes = Number(vars.DEFAULT_JOIN_WINDOW_MINUTES);
  if (joinWindowMinutes > 240)
    rangeProblems.push({ variable: 'DEFAULT_JOIN_WINDOW_MINUTES', messages: [`must be between 0 and 240 (got "${joinWindowMinutes}")`] });
  const maxMeetingMinutes = Number(vars.MAX_MEETING_MINUTES);
  if (maxMeetingMinutes < 15 || maxMeetingMinutes > 1440)
    rangeProblems.push({ variable: 'MAX_MEETING_MINUTES', messages: [`must be between 15 and 1440 (got "${maxMeetingMinutes}")`] });
  const ldapTimeout = Number(vars.LDAP_TIMEOUT_MS);
  if (ldapTimeout < 100 || ldapTimeout > 60000) {
    rangeProblems.push({ variable: 'LDAP_TIMEOUT_MS', messages: [`must be between 100 and 60000 (got "${ldapTimeout}")`] });
  }
  const ldap = vars.LDAP_URL ? ldapSettings(vars, isProduction, rangeProblems) : undefined;
  const smtpTls = smtpTlsSettings(vars, asBoolean, rangeProblems);
  // The admin API of a Keycloak realm: given, or derived from an issuer …/realms/<realm>.
  const realmIssuer = /^(https?:\/\/.+)\/realms\/([^/]+)\/?$/.exec(vars.OIDC_ISSUER ?? '');
  const keycloakAdminUrl = vars.KEYCLOAK_ADMIN_URL ?? (realmIssuer ? `${realmIssuer[1]}/admin/realms/${realmIssuer[2]}` : undefined);
  if (vars.KEYCLOAK_ADMIN_CLIENT_ID && !keycloakAdminUrl) {
    rangeProblems.push({
      variable: 'KEYCLOAK_ADMIN_URL',
      messages: ['is required with KEYCLOAK_ADMIN_CLIENT_ID when OIDC_ISSUER is not a Keycloak realm URL (…/realms/<realm>)'],
    });
  }
  if (rangeProblems.length || secrets.length) throw new ConfigError(mergeProblems([...rangeProblems, ...secrets]));
  // Exactly as configured: the OpenID spec compares the discovery document's issuer string exactly
  // (Authentik's issuers end in a slash, Keycloak's do not).
  const issuer = vars.OIDC_ISSUER ?? DEVELOPMENT_SECRETS.OIDC_ISSUER;
  return new AppConfig({
    nodeEnv,
    isProduction,
    port,
    publicUrl: vars.PUBLIC_URL.replace(/\/+$/, ''),
    database: {
      url: vars.DATABASE_URL,
      migrateOnBoot: vars.DB_MIGRATE_ON_BOOT === undefined ? !isProduction : asBoolean(vars.DB_MIGRATE_ON_BOOT),
    },
    redis: { url: vars.REDIS_URL },
    secrets: {
      cookieSecret: vars.COOKIE_SECRET ?? DEVELOPMENT_SECRETS.COOKIE_SECRET,
      secretsKey: Buffer.from(vars.SECRETS_KEY ?? DEVELOPMENT_SECRETS.SECRETS_KEY, 'base64'),
    },
    log: { level: vars.LOG_LEVEL },
    defaultLocale: vars.DEFAULT_LOCALE as Locale,
    productName: vars.PRODUCT_NAME,
    defaultTimezone: vars.DEFAULT_TIMEZONE,
    trustProxy: trust === 'true' ? true : trust === 'false' ? false : /^\d+$/.test(trust) ? Number(trust) : trust,
    shutdownTimeoutMs: Number(vars.SHUTDOWN_TIMEOUT_MS),
    workerHealthPort: Number(vars.WORKER_HEALTH_PORT),
    oidc: {
      enabled: vars.OIDC_ISSUER !== undefined || !ldap,
      issuer,
      discoveryUrl: vars.OIDC_DISCOVERY_URL,
      clientId: vars.OIDC_CLIENT_ID,
      clientSecret: vars.OIDC_CLIENT_SECRET ?? (isProduction ? undefined : DEVELOPMENT_SECRETS.OIDC_CLIENT_SECRET),
      scopes: vars.OIDC_SCOPES,
      roleClaims: list(vars.OIDC_ROLE_CLAIMS).map((path) => path.replace(/\$\{clientId\}/g, vars.OIDC_CLIENT_ID)),
      allowInsecureHttp: vars.OIDC_ALLOW_INSECURE_HTTP === undefined ? !isProduction : asBoolean(vars.OIDC_ALLOW_INSECURE_HTTP),
      trustedEmailDomains: list(vars.OIDC_TRUSTED_EMAIL_DOMAINS ?? '').map((domain) => domain.toLowerCase()),
      groupRoleMap: groupRoleMap(vars.OIDC_GROUP_ROLE_MAP ?? ''),
    },
    roles: { organizer: list(vars.ORGANIZER_ROLES), admin: list(vars.ADMIN_ROLES) },
    session: { idleMinutes, maxHours },
    devIdp: { usersFile: vars.DEV_IDP_USERS_FILE },
    devJitsi: { url: vars.DEV_JITSI_URL, host: vars.DEV_JITSI_HOST },
    mail: { smtpUrl: vars.SMTP_URL, from: vars.MAIL_FROM, retryHours: mailRetryHours, tls: smtpTls },
    metrics: { token: vars.METRICS_TOKEN },
    rateLimitPerMinute: Number(vars.RATE_LIMIT_PER_MINUTE),
    guestAccessAllowed: vars.GUEST_ACCESS_ALLOWED === undefined ? false : asBoolean(vars.GUEST_ACCESS_ALLOWED),
    tokenMaxTtlSeconds: ttlMinutes * 60,
    meetingDefaults: { joinWindowMinutes, maxMinutes: maxMeetingMinutes },
    ldap,
    keycloakDirectory:
      vars.KEYCLOAK_ADMIN_CLIENT_ID && vars.KEYCLOAK_ADMIN_CLIENT_SECRET && keycloakAdminUrl
        ? { adminUrl: keycloakAdminUrl.replace(/\/+$/, ''), clientId: vars.KEYCLOAK_ADMIN_CLIENT_ID, clientSecret: vars.KEYCLOAK_ADMIN_CLIENT_SECRET }
        : undefined,
    jitsiBootstrap: vars.JITSI_URL
      ? {
          baseUrl: vars.JITSI_URL.replace(/\/+$/, ''),
          xmppDomain: vars.JITSI_DOMAIN!,
          appId: vars.JITSI_APP_ID!,
          appSecret: vars.JITSI_APP_SECRET!,
          audience: vars.JITSI_AUDIENCE ?? 'jitsi',
        }
      : undefined,
  });
}

function ldapSettings(vars: EnvironmentVariables, isProduction: boolean, problems: { variable: string; messages: string[] }[]): LdapSettings {
  const url = new URL(vars.LDAP_URL!);
  const secure = url.protocol === 'ldaps:';
  const startTls = vars.LDAP_STARTTLS === undefined ? false : asBoolean(vars.LDAP_STARTTLS);
  const allowPlaintext = vars.LDAP_ALLOW_PLAINTEXT === undefined ? !isProduction : asBoolean(vars.LDAP_ALLOW_PLAINTEXT);
  if (secure && startTls) problems.push({ variable: 'LDAP_STARTTLS', messages: ['must not be true with an ldaps:// LDAP_URL (that is TLS already)'] });
  if (!secure && !startTls && !allowPlaintext) {
    problems.push({
      variable: 'LDAP_URL',
      messages: ['sends passwords in clear text: use ldaps://, or LDAP_STARTTLS=true, or (on a trusted network only) LDAP_ALLOW_PLAINTEXT=true'],
    });
  }
  if (vars.LDAP_CA_FILE && !existsSync(vars.LDAP_CA_FILE))
    problems.push({ variable: 'LDAP_CA_FILE', messages: [`names no readable file (got "${vars.LDAP_CA_FILE}")`] });
  const hostPort = url.port ? url.host : `${url.host}:${secure ? 636 : 389}`;
  return {
    url: `${url.protocol}//${url.host}`,
    serverId: `ldap:${hostPort.toLowerCase()}/${vars.LDAP_USER_BASE_DN!.toLowerCase()}`,
    bindDn: vars.LDAP_BIND_DN,
    bindPassword: vars.LDAP_BIND_PASSWORD,
    userBaseDn: vars.LDAP_USER_BASE_DN!,
    userFilter: vars.LDAP_USER_FILTER,
    attributes: {
      username: vars.LDAP_USERNAME_ATTRIBUTE,
      email: vars.LDAP_EMAIL_ATTRIBUTE,
      name: vars.LDAP_NAME_ATTRIBUTE,
      unique: vars.LDAP_UNIQUE_ATTRIBUTE,
    },
    groups: {
      membership: vars.LDAP_GROUP_MEMBERSHIP as LdapGroupMembership,
      baseDn: vars.LDAP_GROUP_BASE_DN,
      filter: vars.LDAP_GROUP_FILTER,
      nameAttribute: vars.LDAP_GROUP_NAME_ATTRIBUTE,
    },
    startTls,
    caFile: vars.LDAP_CA_FILE,
    timeoutMs: Number(vars.LDAP_TIMEOUT_MS),
  };
}

/**
 * The process environment, with a `.env` file in the working directory filling in what the
 * environment does not set (real environment variables win).
 */
export function readProcessEnvironment(cwd = process.cwd()): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/**
 * For a process entry point: the validated configuration, or — when it is invalid — the one
 * message naming every bad variable on stderr and exit code 1 (no stack trace).
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(readProcessEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
