import { escapeHtml } from '@moderato/core';
import type { Admitted, Refused } from './judge';

export { escapeHtml };

/** No caching, no framing, nothing but inline styles; forms only to the stand-in itself. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #1e2430; color: #e8ebf2; margin: 0; padding: 2rem 1rem; }
  main { max-width: 34rem; margin: 0 auto; background: #2b3343; border-radius: 8px; padding: 1.5rem 2rem; }
  h1 { font-size: 1.35rem; margin-top: 0; overflow-wrap: anywhere; }
  .note { background: #3a3320; border: 1px solid #8a7a3a; border-radius: 6px; padding: .6rem .9rem; font-size: .85rem; }
  .refused { background: #4a2228; border: 1px solid #b0545f; border-radius: 6px; padding: .75rem 1rem; }
  code { font-size: .85rem; overflow-wrap: anywhere; }
  ul { padding-left: 1.2rem; }
  button { margin-top: 1rem; padding: .55rem 1.2rem; font-size: 1rem; border-radius: 4px; border: 1px solid #b0545f; background: #c4414f; color: #fff; cursor: pointer; }
`;

const NOTE =
  'Development stand-in for Jitsi Meet (Moderato). It judges the token as Prosody with token authentication and token_affiliation would, and keeps who is in which room in memory. No audio or video.';

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>`;
}

/** How a person is shown: organizer, moderator or participant (from the token's affiliation). */
export const ROLE_WORDS: Readonly<Record<Admitted['affiliation'], string>> = { owner: 'organizer', moderator: 'moderator', member: 'participant' };

export interface Occupant {
  id: string;
  name: string;
  email?: string;
  affiliation: Admitted['affiliation'];
  joinedAt: Date;
}

const personLine = (occupant: Occupant) =>
  `<li data-occupant="${escapeHtml(occupant.email ?? occupant.name)}" data-affiliation="${occupant.affiliation}">${escapeHtml(occupant.name)}` +
  `${occupant.email ? ` &lt;${escapeHtml(occupant.email)}&gt;` : ''} — ${ROLE_WORDS[occupant.affiliation]}</li>`;

/**
 * What the token lets this person do (context.features), as Jitsi reads it: a feature is allowed
 * when it is true or "true"; in a token that has features, one that is missing is not allowed.
 */
function featuresSection(admitted: Admitted): string {
  if (!admitted.features) return '<p data-features="none">The token has no context.features: Jitsi decides by moderator status.</p>';
  const items = Object.entries(admitted.features).map(([name, value]) => {
    const allowed = value === true || value === 'true';
    return `<li data-feature="${escapeHtml(name)}" data-allowed="${allowed}">${escapeHtml(name)}: ${allowed ? 'allowed' : 'not allowed'}</li>`;
  });
  return `<h2>What you may do (context.features)</h2><ul data-features>${items.join('')}</ul>`;
}

/** In the room: who you are, who else is here, and a Leave button. */
export function roomPage(admitted: Admitted, me: Occupant, others: readonly Occupant[]): string {
  const role = ROLE_WORDS[admitted.affiliation];
  const rights = admitted.mucAffiliation === 'owner' ? 'You have moderator rights (Jitsi room owner).' : 'You have no moderator rights (Jitsi room member).';
  const list = others.length ? `<ul>${others.map(personLine).join('')}</ul>` : '<p>Nobody else is in the room.</p>';
  return page(
    `${admitted.room} — Jitsi (development stand-in)`,
    `<main data-verdict="joined" data-room="${escapeHtml(admitted.room)}" data-affiliation="${admitted.affiliation}" data-muc-affiliation="${admitted.mucAffiliation}">
<p class="note">${escapeHtml(NOTE)}</p>
<h1>You are in <em>${escapeHtml(admitted.room)}</em> as ${role}</h1>
<p>Signed in as <strong>${escapeHtml(me.name)}</strong>${me.email ? ` (${escapeHtml(me.email)})` : ''}. ${rights}</p>
${featuresSection(admitted)}
<h2>Also in the room now</h2>
${list}
<form method="post" action="/${encodeURIComponent(admitted.room)}/leave">
<input type="hidden" name="occupant" value="${escapeHtml(me.id)}">
<button type="submit">Leave</button>
</form>
</main>`,
  );
}

/** Refused: what Jitsi's log would say, and what the person would see. */
export function refusedPage(refusal: Refused): string {
  return page(
    `Refused — Jitsi (development stand-in)`,
    `<main data-verdict="refused" data-room="${escapeHtml(refusal.room)}" data-reason="${escapeHtml(refusal.reason)}">
<p class="note">${escapeHtml(NOTE)}</p>
<h1>Jitsi refuses to let you into <em>${escapeHtml(refusal.room)}</em></h1>
<div class="refused" role="alert">
<p>A real Jitsi Meet shows “Authentication failed” (<code>${refusal.condition}</code>). Prosody's log says:</p>
<p><code>${escapeHtml(refusal.reason)}</code></p>
</div>
</main>`,
  );
}

/** After Leave. */
export function leftPage(room: string): string {
  return page(
    `You left ${room} — Jitsi (development stand-in)`,
    `<main data-verdict="left" data-room="${escapeHtml(room)}">
<p class="note">${escapeHtml(NOTE)}</p>
<h1>You left <em>${escapeHtml(room)}</em></h1>
</main>`,
  );
}

/** The start page: the rooms with people in them. */
export function indexPage(rooms: ReadonlyMap<string, readonly Occupant[]>, domain: string): string {
  const items = [...rooms]
    .map(([room, occupants]) => `<li><strong>${escapeHtml(room)}</strong> (${occupants.length})<ul>${occupants.map(personLine).join('')}</ul></li>`)
    .join('');
  return page(
    'Jitsi (development stand-in)',
    `<main data-verdict="none">
<p class="note">${escapeHtml(NOTE)}</p>
<h1>Jitsi development stand-in for <code>${escapeHtml(domain)}</code></h1>
${items ? `<ul>${items}</ul>` : '<p>No room has anyone in it.</p>'}
<p>Open a room as Moderato sends people there: <code>/&lt;room&gt;?jwt=&lt;token&gt;</code>.</p>
</main>`,
  );
}
