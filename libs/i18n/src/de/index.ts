import { admin } from './admin';
import { agenda } from './agenda';
import { common } from './common';
import { ending } from './ending';
import { features } from './features';
import { jitsi } from './jitsi';
import { layout } from './layout';
import { mail } from './mail';
import { meetingForm } from './meeting-form';
import { meetings } from './meetings';
import { presence } from './presence';
import { rooms } from './rooms';
import { settings } from './settings';

/** German (Sie-Form). */
export const pageAreas = { common, meetings, rooms, admin, jitsi, meetingForm, agenda, layout, settings, features, ending, presence };
export const pages = {
  ...common,
  ...meetings,
  ...rooms,
  ...admin,
  ...jitsi,
  ...meetingForm,
  ...agenda,
  ...layout,
  ...settings,
  ...features,
  ...ending,
  ...presence,
};
export { mail };
