import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN_RULES, checkTokenRules } from './token-rules';

// docs/jitsi-tokens.md explains every rule id the inspector, `moderato token inspect` and the
// doctor print. It must not go stale: a rule added to TOKEN_RULES needs its row, a removed or
// renamed one must leave the table.
const page = readFileSync(join(__dirname, '../../../../docs/jitsi-tokens.md'), 'utf8');

/** The rule ids in the first column of the table under "## The rules". */
function documentedRules(): string[] {
  const section = page.split(/^## The rules$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);
}

describe('docs/jitsi-tokens.md', () => {
  it('has a row for every rule id of TOKEN_RULES, and none for a rule that does not exist', () => {
    const documented = documentedRules();
    const missing = Object.keys(TOKEN_RULES).filter((rule) => !documented.includes(rule));
    const unknown = documented.filter((rule) => !(rule in TOKEN_RULES));
    expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('shows an example token that breaks none of the rules', () => {
    const [header, payload] = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]) as Record<string, unknown>);
    const now = new Date(((payload.nbf as number) + 60) * 1000);
    const server = { appId: 'moderato', audience: 'jitsi', xmppDomain: 'meet.jitsi' };
    expect(checkTokenRules(header, payload, { server, now, allowedAlgs: ['HS256'] })).toEqual([]);
  });
});
