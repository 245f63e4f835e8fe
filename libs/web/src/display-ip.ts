/**
 * An address as people read it: an IPv4 client of a dual-stack listener arrives as `::ffff:192.0.2.1`
 * (an IPv4-mapped IPv6 address); pages show `192.0.2.1`. Anything else is shown unchanged.
 */
export function displayIp(ip: string | null | undefined): string {
  if (!ip) return '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}
