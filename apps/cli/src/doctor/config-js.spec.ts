import { xmppDomainFromConfigJs } from './config-js';

describe('xmppDomainFromConfigJs', () => {
  it("reads docker-jitsi-meet's generated config.js", () => {
    const docker = [
      'var config = {};',
      'config.hosts = {};',
      "config.hosts.domain = 'meet.jitsi';",
      "config.hosts.muc = 'muc.meet.jitsi';",
      "config.bosh = 'https://meet.school.test/http-bind';",
    ].join('\n');
    expect(xmppDomainFromConfigJs(docker)).toBe('meet.jitsi');
  });

  it("reads a Debian install's config.js and ignores commented-out domains", () => {
    const debian = `var config = {
    // Connection
    //
    hosts: {
        // XMPP domain.
        domain: 'meet.school.org',
        // When using authentication, domain for guest users.
        // anonymousdomain: 'guest.example.com',
        // Domain for authenticated users. Defaults to <domain>.
        // authdomain: 'meet.school.org',
        // Focus component domain. Defaults to focus.<domain>.
        // focus: 'focus.meet.school.org',
        // XMPP MUC domain. FIXME: use XEP-0030 to discover it.
        muc: 'conference.' + subdomain + 'meet.school.org'
    },
    // BOSH URL. FIXME: use XEP-0156 to discover it.
    bosh: 'https://meet.school.org/' + subdir + 'http-bind',
};`;
    expect(xmppDomainFromConfigJs(debian)).toBe('meet.school.org');
  });

  it('does not take anonymousdomain or a commented line for the domain', () => {
    expect(xmppDomainFromConfigJs("var config = { hosts: { anonymousdomain: 'guest.x', // domain: 'wrong'\n } };")).toBeUndefined();
    expect(xmppDomainFromConfigJs('/* config.hosts.domain = \'old\'; */ config.hosts.domain = "new.domain";')).toBe('new.domain');
  });

  it('answers undefined for something that is not a Jitsi config.js', () => {
    expect(xmppDomainFromConfigJs('<html><body>Welcome to nginx!</body></html>')).toBeUndefined();
    expect(xmppDomainFromConfigJs('')).toBeUndefined();
  });
});
