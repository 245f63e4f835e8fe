/* eslint-disable no-console -- this file filters console output on purpose */
// oidc-provider 9 warns on every import that it prefers Node 22 ("Unsupported runtime"); the dev
// IdP and its tests work on Node 20 all the same (package.json allows Node >= 20.19; README).
// Keep that one line out of the test output; every other warning still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
