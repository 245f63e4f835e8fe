import { admin } from './admin';
import { common } from './common';
import { jitsi } from './jitsi';
import { mail } from './mail';
import { meetings } from './meetings';
import { rooms } from './rooms';
import { settings } from './settings';

/** German (Sie-Form). */
export const pageAreas = { common, meetings, rooms, admin, jitsi, settings };
export const pages = { ...common, ...meetings, ...rooms, ...admin, ...jitsi, ...settings };
export { mail };
