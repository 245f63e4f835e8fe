import { admin } from './admin';
import { common } from './common';
import { jitsi } from './jitsi';
import { mail } from './mail';
import { meetings } from './meetings';
import { presence } from './presence';
import { rooms } from './rooms';

/** German (Sie-Form). */
export const pageAreas = { common, meetings, rooms, admin, jitsi, presence };
export const pages = { ...common, ...meetings, ...rooms, ...admin, ...jitsi, ...presence };
export { mail };
