import { admin } from './admin';
import { common } from './common';
import { jitsi } from './jitsi';
import { layout } from './layout';
import { mail } from './mail';
import { meetings } from './meetings';
import { rooms } from './rooms';

/** German (Sie-Form). */
export const pageAreas = { common, meetings, rooms, admin, jitsi, layout };
export const pages = { ...common, ...meetings, ...rooms, ...admin, ...jitsi, ...layout };
export { mail };
