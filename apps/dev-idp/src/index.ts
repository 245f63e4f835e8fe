// The development identity provider (apps/dev-idp): a real OpenID Provider for `npm run dev`
// and the tests. Never for production.
export { DEMO_USERS, loadUsersFile, type DevIdpUser } from './users';
export { startDevIdp, type DevIdpClient, type DevIdpOptions, type RunningDevIdp } from './dev-idp';
export { DEV_IDP_PROFILES, groupObjectId, type DevIdpProfile } from './profiles';
