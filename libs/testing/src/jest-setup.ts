/* eslint-disable no-console -- this file filters console output on purpose */
// oidc-provider 9 warns on every import that it prefers Node 22; it works on Node 20 (see
// STACK-NOTES). Keep that one line out of the test output; every other warning still shows.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
