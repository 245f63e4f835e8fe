/** Pages on a phone and small helpers of the frame: the Menu button, Copy buttons, admin audit details (keys nav.menu, nav.myRooms, nav.adminOverview, copy, tokens.apiDocs, admin.audit.* below). */
export const layout = {
  'nav.menu': 'Menu',
  'nav.myRooms': 'Rooms',
  'nav.adminOverview': 'Overview',
  'nav.account': 'Account',
  'copy.button': 'Copy',
  'copy.done': 'Copied',
  'copy.failed': 'Select the text and copy it',
  'tokens.apiDocs': 'How to use a token: the API documentation',
  'admin.audit.toBeforeFrom': 'The end date is before the start date: choose an end date on or after {from}',
  'admin.audit.noDetails': 'none',
} as const;
