/** Nothing to tear down: every test file drops its own database; the template is reused. */
export default async function globalTeardown(): Promise<void> {}
