import { admin } from './admin';
import { common } from './common';
import { ending } from './ending';
import { jitsi } from './jitsi';
import { mail } from './mail';
import { meetings } from './meetings';
import { rooms } from './rooms';

/** German (Sie-Form). */
export const pageAreas = { common, meetings, rooms, admin, jitsi, ending };
export const pages = { ...common, ...meetings, ...rooms, ...admin, ...jitsi, ...ending };
export { mail };
