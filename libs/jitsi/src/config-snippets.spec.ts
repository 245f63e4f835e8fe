import { jitsiConfigSnippets, secretLines, snippetsAsText, SECRET_PLACEHOLDER } from './config-snippets';

/**
 * An independent reader of one Lua short string literal ("…" or '…', Lua 5.4 manual §3.1) at the
 * start of `source`: returns its bytes and the rest of the source, or throws where Lua's lexer
 * would refuse the literal (unfinished string, raw line break, unknown escape).
 */
function readLuaString(source: string): { value: string; rest: string } {
  const quote = source[0];
  if (quote !== '"' && quote !== "'") throw new Error(`not a string literal: ${source}`);
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, '\n': 10 };
  let i = 1;
  for (;;) {
    if (i >= source.length) throw new Error('unfinished string');
    const char = source[i];
    if (char === quote) return { value: Buffer.from(bytes).toString('utf8'), rest: source.slice(i + 1) };
    if (char === '\n' || char === '\r') throw new Error('unfinished string (line break)');
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      i += 1;
      continue;
    }
    const next = source[i + 1];
    if (next !== undefined && next in simple) {
      bytes.push(simple[next]);
      i += 2;
    } else if (next !== undefined && /\d/.test(next)) {
      const digits = /^\d{1,3}/.exec(source.slice(i + 1))![0];
      if (Number(digits) > 255) throw new Error('decimal escape too large');
      bytes.push(Number(digits));
      i += 1 + digits.length;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}/.test(source.slice(i + 2))) {
      bytes.push(parseInt(source.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      throw new Error(`invalid escape sequence \\${next ?? ''}`);
    }
  }
}

/** The value of `key = "…"` in a Prosody line, read as Lua reads it; the line must end after it. */
function luaAssignment(line: string, key: string): string {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*`).exec(line);
  if (!match) throw new Error(`not an assignment of ${key}: ${line}`);
  const { value, rest } = readLuaString(line.slice(match[0].length));
  if (rest.trim() !== '') throw new Error(`text after the string: ${rest}`);
  return value;
}

const server = { id: '0b6c2b8e-5a51-4c56-9d3e-0d1e2f3a4b5c', xmppDomain: 'meet.jitsi', appId: 'moderato', audience: 'jitsi', signingMode: 'HS256' as const };
const prosodyLine = (sections: ReturnType<typeof jitsiConfigSnippets>, prefix: string) =>
  sections
    .find((section) => section.id === 'prosody')!
    .lines.map((l) => l.line)
    .find((line) => line.trimStart().startsWith(prefix))!;

describe('jitsiConfigSnippets', () => {
  it.each([
    ['a generated secret', 'q2Vt0bX8cYp3mLz4RkW9aN7sHd5fJg1E'],
    ['a secret with a double quote and a backslash', 'abc"def\\ghi"; os.exit() --xxxxxxxxxxxxxxxxxxxx'],
    ['a secret ending in a backslash', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\'],
    ['a secret with a line break and a tab', 'line one\nline two\tand a bell \u0007 xxxxxxxxxxx'],
    ['a secret with digits after a control character', 'a\u00011234567890123456789012345678901'],
    ['a secret with non-ASCII letters', 'Grüße-aus-Köln-ÄÖÜ-xxxxxxxxxxxxxxxxxxxxx'],
  ])('writes app_secret as a Lua string that reads back as the secret: %s', (_, secret) => {
    const line = prosodyLine(jitsiConfigSnippets(server, 'https://moderato.school.test', { secret }), 'app_secret');
    expect(line).not.toMatch(/[\r\n]/);
    expect(luaAssignment(line, 'app_secret')).toBe(secret);
  });

  it('writes the placeholder (secret not revealed) as valid Lua, and the .env line without quotes', () => {
    const sections = jitsiConfigSnippets(server, 'https://moderato.school.test');
    expect(luaAssignment(prosodyLine(sections, 'app_secret'), 'app_secret')).toBe(SECRET_PLACEHOLDER);
    const envLine = sections.find((section) => section.id === 'docker')!.lines.find((l) => l.line.startsWith('JWT_APP_SECRET='))!.line;
    expect(envLine).toBe(`JWT_APP_SECRET=${SECRET_PLACEHOLDER}`);
    expect(envLine).not.toContain('"');
  });

  it('writes the other Prosody values (app id, key server, audience) as valid Lua strings', () => {
    const sections = jitsiConfigSnippets({ ...server, signingMode: 'RS256' }, 'https://moderato.school.test');
    expect(luaAssignment(prosodyLine(sections, 'app_id'), 'app_id')).toBe('moderato');
    expect(luaAssignment(prosodyLine(sections, 'asap_key_server'), 'asap_key_server')).toBe(`https://moderato.school.test/asap/${server.id}`);
    const audiences = /^\s*asap_accepted_audiences = \{ (.*) \}$/.exec(prosodyLine(sections, 'asap_accepted_audiences'))![1];
    expect(readLuaString(audiences)).toEqual({ value: 'jitsi', rest: '' });
  });

  it('tells a Debian install to fetch token_owner_party from jitsi-contrib before enabling it, and that it ends the meeting after the owner left', () => {
    const sections = jitsiConfigSnippets({ ...server, lobbyBypass: true }, 'https://moderato.school.test');
    expect(sections.map((section) => section.id)).toEqual(['docker', 'plugins', 'prosody', 'jicofo', 'meet']);
    const plugins = sections.find((section) => section.id === 'plugins')!;
    expect(plugins.file).toContain('jitsi-contrib/prosody-plugins');
    expect(plugins.lines.map((l) => l.line)).toEqual([
      'wget -O /usr/share/jitsi-meet/prosody-plugins/mod_token_owner_party.lua https://raw.githubusercontent.com/jitsi-contrib/prosody-plugins/main/token_owner_party/mod_token_owner_party.lua',
      'wget -O /usr/share/jitsi-meet/prosody-plugins/mod_token_lobby_bypass.lua https://raw.githubusercontent.com/jitsi-contrib/prosody-plugins/main/token_lobby_bypass/mod_token_lobby_bypass.lua',
    ]);
    const modules = sections.find((section) => section.id === 'prosody')!.lines.find((l) => l.line.includes('modules_enabled'))!;
    expect(modules.line).toContain('"token_owner_party";');
    expect(modules.why).toContain('60 seconds (party_check_timeout) after the last owner left');
    const docker = sections.find((section) => section.id === 'docker')!.lines.find((l) => l.line.startsWith('XMPP_MUC_MODULES='))!;
    expect(docker.why).toContain('60 seconds (party_check_timeout)');
    const text = snippetsAsText(sections, 'School');
    expect(text.indexOf('mod_token_owner_party.lua')).toBeLessThan(text.indexOf('modules_enabled'));
  });

  it('has no install step when the server runs without contrib plugins', () => {
    const sections = jitsiConfigSnippets(server, 'https://moderato.school.test', { ownerParty: false });
    expect(sections.map((section) => section.id)).toEqual(['docker', 'prosody', 'jicofo', 'meet']);
    expect(prosodyLine(sections, 'modules_enabled').trim()).toBe('modules_enabled = { "token_verification"; "token_affiliation"; }');
  });

  it('turns off everything by which Jitsi makes moderators or lets people in without a token: auto-owner, Jicofo authentication, guests', () => {
    const sections = jitsiConfigSnippets({ ...server, baseUrl: 'https://meet.school.test:8443' }, 'https://moderato.school.test');
    const lines = (id: string) => sections.find((section) => section.id === id)!.lines.map((l) => l.line);
    expect(lines('docker')).toEqual(expect.arrayContaining(['ENABLE_AUTO_OWNER=0', 'JICOFO_ENABLE_AUTH=0', 'JWT_ALLOW_EMPTY=0', 'ENABLE_GUESTS=0']));
    expect(lines('jicofo')).toEqual(['jicofo.conference.enable-auto-owner = false', 'jicofo.authentication.enabled = false']);
    const meet = sections.find((section) => section.id === 'meet')!;
    expect(meet.file).toMatch(/^\/etc\/jitsi\/meet\/meet\.school\.test-config\.js /);
    expect(meet.lines.map((l) => l.line)).toEqual(["// anonymousdomain: 'guest.meet.jitsi',"]);
    expect(meet.lines[0].why).toContain('VirtualHost "guest.meet.jitsi"');
    const text = snippetsAsText(sections, 'School');
    expect(text).toContain('# Jicofo must not grant owner rights by its own authentication either.\njicofo.authentication.enabled = false\n');
    expect(text).toContain('// ===== Jitsi Meet (Debian/Ubuntu install without docker)');
    expect(text).toContain("\n// anonymousdomain: 'guest.meet.jitsi',\n");
  });

  it('names config.js after the XMPP domain when it does not know the Jitsi Meet URL', () => {
    const meet = jitsiConfigSnippets(server, 'https://moderato.school.test').find((section) => section.id === 'meet')!;
    expect(meet.file.startsWith('/etc/jitsi/meet/meet.jitsi-config.js')).toBe(true);
  });
});

describe('secretLines', () => {
  it('picks the two lines that carry an HS256 secret (what a rotation changes on Jitsi), the Lua one escaped', () => {
    const secret = 'a "quoted" secret with \\ backslash, 32 chars+';
    const lines = secretLines(server, 'https://moderato.school.test', secret);
    expect(lines.map((entry) => entry.section)).toEqual(['docker', 'prosody']);
    expect(lines[0].line).toBe(`JWT_APP_SECRET=${secret}`);
    expect(luaAssignment(lines[1].line, 'app_secret')).toBe(secret);
  });
});
