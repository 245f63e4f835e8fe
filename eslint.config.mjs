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
      regex: '^(\\.\\./){2,}[a-z-]+/src(/|$)',
      message: 'Do not reach into another lib by relative path; import @moderato/<lib>.',
    },
  ],
};

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
