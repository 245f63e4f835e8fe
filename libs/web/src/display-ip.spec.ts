import { displayIp } from './display-ip';

describe('displayIp', () => {
  it('shows an IPv4-mapped IPv6 address as the IPv4 address people know', () => {
    expect(displayIp('::ffff:192.0.2.17')).toBe('192.0.2.17');
    expect(displayIp('::FFFF:10.0.0.1')).toBe('10.0.0.1');
  });

  it('leaves real IPv6 and plain IPv4 addresses alone, and shows nothing for no address', () => {
    expect(displayIp('2001:db8::1')).toBe('2001:db8::1');
    expect(displayIp('::ffff:abcd:1')).toBe('::ffff:abcd:1');
    expect(displayIp('127.0.0.1')).toBe('127.0.0.1');
    expect(displayIp(null)).toBe('');
  });
});
