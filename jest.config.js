// Jest on Node 20 cannot require() the ESM-only NestJS 12 / openid-client / jose packages (Jest's
// own ESM mode is still experimental), so swc compiles both our TypeScript and node_modules' ESM
// to CommonJS: hence transformIgnorePatterns: [] below.
const swcTs = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
};
const swcJs = { jsc: { target: 'es2023' }, module: { type: 'commonjs' } };

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json', 'ts'],
  // unit: *.spec.ts, integration: *.int-spec.ts, end-to-end: *.e2e-spec.ts
  testRegex: '\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcTs],
    '^.+\\.[mc]?js$': ['@swc/jest', swcJs],
  },
  transformIgnorePatterns: [],
  moduleNameMapper: {
    '^@moderato/migrations$': '<rootDir>/migrations/index.ts',
    '^@moderato/dev-idp$': '<rootDir>/apps/dev-idp/src/index.ts',
    '^@moderato/dev-jitsi$': '<rootDir>/apps/dev-jitsi/src/index.ts',
    '^@moderato/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  setupFiles: ['<rootDir>/libs/testing/src/jest-setup.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
