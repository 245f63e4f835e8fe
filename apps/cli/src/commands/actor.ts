import { userInfo } from 'node:os';

/** Who ran the command, for the audit log: `moderato CLI (<os user>)`. */
export function cliActor(): { id: null; label: string; ip: null } {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return { id: null, label: `moderato CLI (${who})`, ip: null };
}
