// Development only: resolves @moderato/<lib> to the compiled lib in dist/ at run time, so that
// `tsc --watch` output runs without the tsc-alias rewrite step (`npm run build` does rewrite).
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const original = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  const match = /^@moderato\/([a-z0-9-]+)$/.exec(request);
  if (match) {
    const target =
      match[1] === 'migrations'
        ? path.join(root, 'dist/migrations/index.js')
        : match[1] === 'dev-idp'
          ? path.join(root, 'dist/apps/dev-idp/src/index.js')
          : path.join(root, 'dist/libs', match[1], 'src/index.js');
    return original.call(this, target, ...rest);
  }
  return original.call(this, request, ...rest);
};
