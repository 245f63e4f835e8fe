// Runs a benchmark written in TypeScript (bench/*.ts) against the BUILT libs in dist/:
//   node bench/run.cjs bench/join.ts
// bench/*.ts and libs/testing (the SMTP sink) are compiled on the fly with swc; every other
// @moderato/<lib> resolves to dist/libs/<lib>, the same code the built api and worker run.
// `npm run build` must have run first (the npm scripts bench:* do it).
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
if (!fs.existsSync(path.join(root, 'dist/apps/api/src/main.js'))) {
  console.error('dist/ is missing: run "npm run build" first');
  process.exit(1);
}
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const match = /^@moderato\/([a-z-]+)$/.exec(request);
  if (match) {
    const target = match[1] === 'testing' ? path.join(root, 'libs/testing/src/index.ts') : path.join(root, 'dist/libs', match[1], 'src/index.js');
    return original.call(this, target, ...rest);
  }
  return original.call(this, request, ...rest);
};
require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2023' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('reflect-metadata');
const script = process.argv[2];
if (!script) {
  console.error('usage: node bench/run.cjs bench/<name>.ts');
  process.exit(2);
}
require(path.resolve(script));
