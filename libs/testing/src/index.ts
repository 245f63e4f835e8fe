export { createTestDatabase, templateName, testServerUrl, type TestDatabase } from './test-database';
export { testConfig, testRedisUrl } from './test-config';
export { Factories, type MeetingWithInvitations } from './factories';
export { LogCapture } from './log-capture';
export { CookieJar, idpBrowser, loginThroughIdp, parseForm, type IdpBrowser, type LoginResult } from './browserless-login';
export { CHROMIUM_PATH, freePort, launchChromium } from './browser';
export { startSmtpSink, type SmtpSink } from './smtp-sink';
export { TEST_LDAP_PORT, TEST_LDAP_SCRIPT, startTestLdap, testLdapRunning } from './ldap';
export { until } from './until';
