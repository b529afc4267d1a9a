import ipaddr from 'ipaddr.js';

/**
 * Whether a server may be asked to connect to an address on a client's say (a registered
 * jwks_uri): only public unicast. Everything the operator's own network or its cloud answers on
 * is refused: private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16, where cloud
 * metadata services listen), CGNAT (100.64/10), unspecified (0/8, ::), multicast, broadcast,
 * reserved and documentation ranges, unique-local (fc00::/7), and the IPv6 forms that carry an
 * IPv4 address (mapped ::ffff:0:0/96 is judged by the address it carries; NAT64, 6to4, Teredo and
 * the deprecated ::/96 compatible form are refused outright, as a gateway may route them anywhere).
 * ipaddr.js keeps the IANA special-purpose tables; anything it does not call `unicast` is refused.
 *
 * Returns why the address is refused, or undefined when it may be used.
 */
export function refusedAddress(
  address: string,
  options: { allowLoopback?: boolean } = {},
): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // parse(), not process(): an IPv4 in a non-canonical form (octal, hex, fewer parts) is refused.
    ip = ipaddr.IPv4.isValidFourPartDecimal(address)
      ? ipaddr.IPv4.parse(address)
      : ipaddr.IPv6.parse(address);
  } catch {
    return 'not an IP address';
  }
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return refusedAddress(v6.toIPv4Address().toString(), options);
    if (v6.parts.slice(0, 6).every((p) => p === 0) && v6.range() === 'unicast') return 'IPv4-compatible';
  }
  const range = ip.range();
  if (range === 'loopback' && options.allowLoopback === true) return undefined;
  if (range !== 'unicast') return range;
  // IPv6 global unicast is 2000::/3 (RFC 4291 §2.4); the rest is unassigned or special.
  if (ip.kind() === 'ipv6' && !ip.match(ipaddr.IPv6.parse('2000::'), 3)) return 'not global unicast';
  return undefined;
}
