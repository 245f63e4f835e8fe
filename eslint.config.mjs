// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Libs are used only through their index.ts: `import { X } from '@moderato/meetings'`.
 * Refused: deep alias imports (`@moderato/meetings/src/x`) and relative paths that reach
 * into another lib or app (`../../meetings/src/x`, `libs/…`).
 */
const boundaries = {
  patterns: [
    {
      group: ['@moderato/*/**'],
      message: 'Import a lib only through its index: @moderato/<lib>.',
    },
    {
      regex: '^(\\.\\./)+(libs|apps)/',
      message: 'Do not reach into another lib or app by relative path; import @moderato/<lib>.',
    },
    {
      regex: '^(\\.\\./){2,}[a-z0-9-]+/src(/|$)',
      message: 'Do not reach into another lib by relative path; import @moderato/<lib>.',
    },
  ],
};

/**
 * Which lib may import which (non-test code). Layers, bottom up:
 *   core, config, metrics             — nothing (metrics: the Prometheus series the services count)
 *   database, jobs, logging, audit,   — the foundation; i18n: the languages, texts and translators
 *   i18n                                of the pages and the mail
 *   policy, health, web               — the organisation's settings; HTTP plumbing
 *   identity, jitsi                   — people and sessions; Jitsi servers and tokens
 *   meetings                          — schedules, invitations, the join
 *   rooms, mail                       — permanent rooms; delivery of the meetings' outbox
 *   schema, testing                   — the composition of every entity; test helpers
 * Apps may import any lib; no lib imports an app. Drawn in docs/architecture.md.
 */
export const LIB_DEPENDENCIES = {
  core: [],
  config: [],
  metrics: [],
  database: ['config'],
  jobs: ['config', 'database'],
  logging: ['config'],
  i18n: ['config'],
  audit: ['core', 'config', 'database'],
  policy: ['audit', 'config', 'core', 'database'],
  health: ['config', 'core', 'jobs'],
  web: ['config', 'core', 'i18n', 'jobs', 'policy'],
  identity: ['audit', 'config', 'core', 'database', 'metrics', 'policy'],
  jitsi: ['audit', 'config', 'core', 'database', 'policy'],
  meetings: ['audit', 'config', 'core', 'database', 'identity', 'jitsi', 'metrics', 'policy'],
  rooms: ['audit', 'config', 'core', 'database', 'identity', 'jitsi', 'meetings', 'policy'],
  mail: ['config', 'core', 'database', 'i18n', 'identity', 'jobs', 'meetings', 'policy'],
  schema: ['audit', 'config', 'database', 'identity', 'jitsi', 'meetings', 'migrations', 'policy', 'rooms'],
  testing: ['config', 'core', 'database', 'identity', 'jitsi', 'meetings', 'schema'],
};
const APPS = ['dev-idp', 'dev-jitsi'];

/** The import rule of one lib: the boundaries above plus every lib (and app) it may not use. */
function layerRule(lib) {
  const allowed = new Set([lib, ...LIB_DEPENDENCIES[lib]]);
  const forbidden = [...Object.keys(LIB_DEPENDENCIES), 'migrations', ...APPS].filter((name) => !allowed.has(name));
  return {
    paths: forbidden.map((name) => ({
      name: `@moderato/${name}`,
      message: `libs/${lib} may not import @moderato/${name}: the dependency direction is declared in LIB_DEPENDENCIES (eslint.config.mjs) and docs/architecture.md.`,
    })),
    patterns: boundaries.patterns,
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'docker/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // No consistent-type-imports: Nest's DI needs constructor parameter types imported as values.
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...Object.keys(LIB_DEPENDENCIES).map((lib) => ({
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { 'no-restricted-imports': ['error', layerRule(lib)] },
  })),
  {
    // Time comes from the Clock (libs/core): a test can set it, and the Start button, the join, the
    // mails and the pages agree on what "now" is. Elapsed time (caches, time-outs) uses
    // performance.now(). The development stand-ins play outside systems and use real time.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['libs/core/**', 'libs/testing/**', 'apps/dev-idp/**', 'apps/dev-jitsi/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Take the time from Clock (clock.now()), not new Date(); for elapsed time use performance.now().',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Take the time from Clock (clock.now()), not Date.now(); for elapsed time use performance.now().',
        },
      ],
    },
  },
  {
    // Each lib owns its tables, and only its stores (`*.store.ts`) touch them: services get a Tx
    // from Transactions (libs/database) and hand it to the stores that write in it.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: [
      '**/*.store.ts',
      'libs/database/**',
      'libs/testing/**',
      'libs/schema/**',
      'apps/cli/src/commands/migrate.command.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'typeorm',
              importNames: ['DataSource', 'EntityManager', 'Repository', 'QueryRunner'],
              message: "Data access belongs in the owning lib's store (*.store.ts); a service passes a Tx (Transactions in @moderato/database).",
            },
            {
              name: '@nestjs/typeorm',
              importNames: ['InjectDataSource', 'InjectRepository', 'InjectEntityManager'],
              message: "Data access belongs in the owning lib's store (*.store.ts); a service passes a Tx (Transactions in @moderato/database).",
            },
          ],
        },
      ],
    },
  },
  {
    // The migration CLI and scripts talk to a terminal.
    files: ['libs/schema/src/migration-cli.ts', 'scripts/**', 'bench/**', '**/*.mjs', '**/*.cjs'],
    rules: { 'no-console': 'off' },
  },
  {
    // Browser scripts served to pages.
    files: ['apps/api/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['apps/api/public/**'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
