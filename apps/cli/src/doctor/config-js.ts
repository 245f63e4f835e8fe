/**
 * The XMPP domain a Jitsi Meet `config.js` tells browsers to connect to: `hosts.domain`.
 * docker-jitsi-meet writes `config.hosts.domain = 'meet.jitsi';`, a Debian install
 * `var config = { hosts: { domain: 'meet.school.org', … } }`. Comments are ignored.
 */
export function xmppDomainFromConfigJs(source: string): string | undefined {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
  const assigned = /\bhosts\s*\.\s*domain\s*=\s*(['"`])([^'"`]+)\1/.exec(code)?.[2];
  if (assigned) return assigned.trim();
  const hosts = /\bhosts\s*:\s*\{([\s\S]*?)\}/.exec(code)?.[1];
  const inObject = hosts ? /(?:^|[\s,{])['"]?domain['"]?\s*:\s*(['"`])([^'"`]+)\1/.exec(hosts)?.[2] : undefined;
  return inObject?.trim();
}
