import type { Context } from 'hono';
import type { EdgeSettings } from '../config.js';
import type { Env } from '../http/env.js';
import { parseAddress, type DeviceAddress } from '../network/index.js';

/**
 * The one resolver of the caller's address, for every use: device identification (network-based
 * authentication, ICM §7.8), the authorization-server endpoint limits and the failure limit.
 *
 * The TCP peer is the caller, unless the peer is one of the operator's own proxies
 * (TRUSTED_PROXIES): then, and only then, the one header the operator names (CLIENT_IP_HEADER,
 * plus CLIENT_PORT_HEADER) is read, because that is the header the edge writes. Every other
 * forwarding header is ignored whoever sends it: a client can write any header, and the platform
 * cannot tell which of several the edge wrote (a client-written `Forwarded` beside the edge's
 * `X-Forwarded-For` named another subscriber).
 */
export function deviceAddress(c: Context<Env>, edge: EdgeSettings): DeviceAddress | null {
  const peer = socketPeer(c);
  if (peer === null) return null;
  if (!edge.trustedProxies.includes(peer.ip)) return peer;
  if (edge.ipHeader === undefined) return null; // config forbids this; never believe a default
  const value = c.req.header(edge.ipHeader);
  if (value === undefined) return null;
  const list = LIST_HEADERS.get(edge.ipHeader);
  const hop = list ? nearestUntrusted(list(value), edge.trustedProxies) : singleValue(value);
  if (hop === null) return null;
  if (hop.port !== undefined || edge.portHeader === undefined) return hop;
  const port = c.req.header(edge.portHeader);
  if (port === undefined) return hop; // no port: only a device registered without one matches
  const parsed = portOf(port);
  // Two values mean the client sent one and the edge appended instead of overwriting: no address.
  return parsed === null ? null : { ip: hop.ip, port: parsed };
}

/**
 * The key the limits count a caller under: the resolved address, else the socket peer (a trusted
 * proxy that wrote no valid header: every such request shares that proxy's budget, so a client
 * never chooses its own key), else `unknown`. IPv6 callers are grouped by /64, the block one
 * subscriber line usually holds.
 */
export function sourceAddress(c: Context<Env>, edge: EdgeSettings): string {
  const ip = deviceAddress(c, edge)?.ip ?? socketPeer(c)?.ip;
  if (ip === undefined) return 'unknown';
  if (!ip.includes(':')) return ip;
  return `${expandIpv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The TCP peer as the runtime knows it (runtime/): null where it cannot (a bare Request). */
function socketPeer(c: Context<Env>): DeviceAddress | null {
  const peer = c.get('runtime').peer(c);
  return peer === null ? null : { ip: normaliseIp(peer.ip), port: peer.port };
}

/** IPv4-mapped IPv6 (`::ffff:198.51.100.1`, a dual-stack socket) is the IPv4 address. */
export function normaliseIp(ip: string): string {
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped ? (mapped[1] as string) : lower;
}

type Hops = (DeviceAddress | null)[] | null;

/** Headers that carry a list, each proxy appending its peer: read from the right. */
const LIST_HEADERS = new Map<string, (value: string) => Hops>([
  ['forwarded', forwardedHops],
  ['x-forwarded-for', forwardedForHops],
]);

/**
 * The nearest hop that is not one of the operator's proxies: the address the outermost trusted
 * proxy saw. Entries left of it were written by the client (or its proxies) and are not believed.
 */
function nearestUntrusted(hops: Hops, trusted: readonly string[]): DeviceAddress | null {
  if (hops === null) return null;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop === null || hop === undefined) return null; // unknown or obfuscated hop: no address
    if (!trusted.includes(hop.ip)) return hop;
  }
  return null;
}

/**
 * A single-value header (X-Real-IP, CF-Connecting-IP): the edge overwrites it, so its value is
 * taken as written. A list means the edge appended to a client's value instead: no address.
 */
function singleValue(value: string): DeviceAddress | null {
  const text = value.trim();
  if (text.includes(',')) return null;
  const ipv6 = !text.startsWith('[') && text.split(':').length > 2;
  return toAddress(ipv6 ? `[${text}]` : text);
}

/** RFC 7239 §4: `for=` of each element, nearest proxy last; quoted IPv6 with brackets. */
function forwardedHops(header: string): Hops {
  const hops: (DeviceAddress | null)[] = [];
  for (const element of header.split(',')) {
    const pair = element
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.toLowerCase().startsWith('for='));
    if (pair === undefined) return null;
    hops.push(toAddress(pair.slice(4).replace(/^"(.*)"$/, '$1')));
  }
  return hops.length > 0 ? hops : null;
}

/** De-facto `X-Forwarded-For: client, proxy1, proxy2` (bare IPs; IPv6 without brackets). */
function forwardedForHops(header: string): Hops {
  if (header.trim() === '') return null;
  return header.split(',').map((entry) => singleValue(entry));
}

function toAddress(text: string): DeviceAddress | null {
  const parsed = parseAddress(text);
  if (parsed === null) return null;
  return { ip: normaliseIp(parsed.ip), port: parsed.port };
}

/** One decimal port, 1..65535; anything else (a list, a name) is null. */
function portOf(header: string): number | null {
  if (!/^\d{1,5}$/.test(header.trim())) return null;
  const port = Number(header.trim());
  return port >= 1 && port <= 65535 ? port : null;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.replace(/^\[|\]$/g, '').split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((g) =>
    (parseInt(g, 16) || 0).toString(16),
  );
}
