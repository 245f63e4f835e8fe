import { admin } from './admin';
import { common } from './common';
import { jitsi } from './jitsi';
import { mail } from './mail';
import { meetings } from './meetings';
import { presence } from './presence';
import { rooms } from './rooms';

/**
 * English: the reference. Every other language has exactly these keys, with the same placeholders
 * (the types and catalogs.spec.ts check). A page key lives in the area file its first segment
 * names (nav.* in common.ts, servers.* in jitsi.ts; each file lists its prefixes).
 */
export const pageAreas = { common, meetings, rooms, admin, jitsi, presence };
export const pages = { ...common, ...meetings, ...rooms, ...admin, ...jitsi, ...presence };
export { mail };
