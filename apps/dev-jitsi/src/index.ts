// The development stand-in for Jitsi Meet (apps/dev-jitsi): judges Moderato's tokens as Prosody
// with token authentication and token_affiliation would. For `npm run dev` and tests; never production.
export { judgeToken, publicKeyUrl, type Admitted, type JitsiHostSettings, type Judgement, type Refused } from './judge';
export { startDevJitsi, type DevJitsiOptions, type RunningDevJitsi } from './dev-jitsi';
export type { Occupant } from './pages';
export { ensureDevServer, DEV_SERVER_NAME } from './registration';
