/**
 * Checks of secrets that the per-variable validation cannot make: a production install must not
 * run on a value that is published (docker-compose.yml, .env.example, the docs, the development
 * defaults, the demo identity providers), and a password inside a connection URL must be
 * percent-encoded, or the drivers would read another host, user or password out of it.
 */
import { DEVELOPMENT_SECRETS } from './env-defaults';

export interface ConfigProblem {
  variable: string;
  messages: string[];
}

/**
 * Every secret value Moderato's repository publishes, with where it is written (the message names
 * the place, never the value). Keep it in step with those files: config's tests check that each
 * file's demo values are listed here.
 */
export const DEMO_SECRET_VALUES: ReadonlyArray<{ readonly value: string; readonly source: string }> = [
  { value: DEVELOPMENT_SECRETS.COOKIE_SECRET, source: 'the development default' },
  { value: DEVELOPMENT_SECRETS.SECRETS_KEY, source: 'the development default' },
  { value: DEVELOPMENT_SECRETS.OIDC_CLIENT_SECRET, source: 'the development identity provider of npm run dev' },
  { value: 'CHANGE-ME-demo-only-cookie-secret-use-openssl-rand-base64-48', source: 'docker-compose.yml' },
  { value: 'CHANGE+ME+demo+only+key+openssl+rand+base64=', source: 'docker-compose.yml' },
  { value: 'moderato-demo-client-secret-CHANGE-ME', source: 'the demo Keycloak (docker/keycloak/moderato-realm.json)' },
  // The demo PostgreSQL password (docker-compose.yml: POSTGRES_PASSWORD and DATABASE_URL).
  { value: 'moderato', source: 'docker-compose.yml (the demo PostgreSQL password)' },
  // The demo Keycloak administrator, and passwords people copy from examples.
  { value: 'admin', source: 'docker-compose.yml (the demo Keycloak administrator)' },
  { value: 'postgres', source: 'a well-known default password' },
  { value: 'password', source: 'a well-known default password' },
  { value: 'secret', source: 'a well-known default password' },
];

/** Placeholders of the docs and examples (`<openssl rand -base64 48>`, `CHANGE-ME`) copied as is. */
const PLACEHOLDER = /^<.*>$|change[-_ ]?me/i;

/** The variables holding a secret by themselves, and how to make a proper value for each. */
const SECRET_VALUES: Record<string, string> = {
  COOKIE_SECRET: 'generate one with: openssl rand -base64 48',
  SECRETS_KEY: 'generate one with: openssl rand -base64 32 (and keep it: it decrypts the stored Jitsi secrets)',
  OIDC_CLIENT_SECRET: "create a new client secret at your identity provider and copy it here (the demo Keycloak's is public)",
  JITSI_APP_SECRET: 'generate one with: openssl rand -hex 32 (and set the same as JWT_APP_SECRET in Jitsi)',
  KEYCLOAK_ADMIN_CLIENT_SECRET: 'create a new secret for that client in Keycloak (Credentials tab) and copy it here',
  LDAP_BIND_PASSWORD: 'set a strong password for the search account in the directory and copy it here',
};

/** Connection URLs that may carry a password. */
const URL_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'SMTP_URL'] as const;

const HOW_TO_ENCODE =
  'percent-encode the user name and password: / → %2F, @ → %40, + → %2B, = → %3D, : → %3A, ? → %3F, # → %23, % → %25, space → %20 ' +
  "(node -e 'console.log(encodeURIComponent(process.argv[1]))' '<password>'), or generate a password without them: openssl rand -hex 32";

function isDemo(value: string): string | undefined {
  const known = DEMO_SECRET_VALUES.find((demo) => demo.value === value);
  if (known) return `is the public demo value from ${known.source}`;
  if (PLACEHOLDER.test(value)) return 'is a placeholder from the documentation or an example, not a secret';
  return undefined;
}

/**
 * The `user:password` part of a URL as written, or undefined when there is none. Taken up to the
 * last `@`, as PostgreSQL's, Redis' and nodemailer's parsers do, so a raw `/` or `?` in a password
 * shows up here instead of silently becoming part of the host or path.
 */
function rawCredentials(url: string): string | undefined {
  const start = url.indexOf('://');
  if (start === -1) return undefined;
  const rest = url.slice(start + 3);
  const at = rest.lastIndexOf('@');
  return at === -1 ? undefined : rest.slice(0, at);
}

/** RFC 3986 userinfo: unreserved, sub-delims, ":" and %XX; anything else must be percent-encoded. */
const USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/;

/** Why `url`'s credentials cannot be read as written, or undefined when they can. */
export function urlCredentialProblem(url: string): string | undefined {
  const credentials = rawCredentials(url);
  if (credentials === undefined || USERINFO.test(credentials)) return undefined;
  return `has a user name or password with characters that must be percent-encoded in a URL (value hidden): ${HOW_TO_ENCODE}`;
}

/** The password of a connection URL, decoded as the drivers decode it; undefined when none or unreadable. */
export function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The secret problems of an environment (defaults merged in, empty values removed): encoding of
 * URL credentials always; in production also every published demo value or placeholder. Each
 * problem names the variable and how to make a proper value, never the value itself.
 */
export function secretProblems(env: Record<string, string | undefined>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const variable of URL_VARIABLES) {
    const url = env[variable];
    const problem = url === undefined ? undefined : urlCredentialProblem(url);
    if (problem) problems.push({ variable, messages: [problem] });
  }
  if (env.NODE_ENV !== 'production') return problems;
  for (const [variable, fix] of Object.entries(SECRET_VALUES)) {
    const value = env[variable];
    const demo = value === undefined ? undefined : isDemo(value);
    if (demo) problems.push({ variable, messages: [`${demo}, and production must not run on it: ${fix}`] });
  }
  for (const variable of URL_VARIABLES) {
    const password = env[variable] === undefined ? undefined : urlPassword(env[variable]);
    const demo = password === undefined ? undefined : isDemo(password);
    if (demo) {
      problems.push({
        variable,
        messages: [
          `has a password that ${demo}, and production must not run on it: set a new password (openssl rand -hex 32) ` +
            (variable === 'DATABASE_URL'
              ? 'on the database role (ALTER ROLE … PASSWORD; docker compose: POSTGRES_PASSWORD in .env before the first start) and here'
              : 'on the server and here'),
        ],
      });
    }
  }
  return problems;
}

/** One entry per variable, its messages joined, in first-seen order: all problems in one message. */
export function mergeProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const byVariable = new Map<string, ConfigProblem>();
  for (const problem of problems) {
    const seen = byVariable.get(problem.variable);
    if (seen) seen.messages.push(...problem.messages);
    else byVariable.set(problem.variable, { variable: problem.variable, messages: [...problem.messages] });
  }
  return [...byVariable.values()];
}
