import type { Context } from 'hono';
import type { Env } from '../http/env.js';
import { parseAddress, type DeviceAddress } from '../network/index.js';

/** What @hono/node-server passes as `c.env`: the Node request and its socket (no Node import here). */
type NodeBindings = { incoming?: { socket?: { remoteAddress?: string; remotePort?: number } } };

/**
 * The address of the device that made this request, for network-based authentication (ICM §7.8).
 *
 * The TCP peer is the device, unless the peer is one of the operator's own proxies (config
 * `TRUSTED_PROXIES`): then, and only then, the forwarding headers the edge wrote are read
 * (`Forwarded` (RFC 7239) first, else `X-Forwarded-For` plus `X-Forwarded-Port`), walking from the
 * nearest hop outwards past every trusted proxy. A header from anyone else is ignored, since any
 * client can write one. Null when no device address can be established.
 */
export function clientAddress(c: Context<Env>, trustedProxies: readonly string[]): DeviceAddress | null {
  const peer = socketPeer(c.env as unknown);
  if (peer === null) return null;
  if (!trustedProxies.includes(peer.ip)) return peer;
  const forwarded = c.req.header('forwarded');
  const hops =
    forwarded !== undefined ? forwardedHops(forwarded) : forwardedForHops(c.req.header('x-forwarded-for'));
  if (hops === null) return null;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop === null || hop === undefined) return null; // unknown or obfuscated hop: no address
    if (trustedProxies.includes(hop.ip)) continue;
    if (forwarded === undefined && hop.port === undefined) {
      return { ip: hop.ip, port: forwardedPort(c.req.header('x-forwarded-port')) };
    }
    return hop;
  }
  return null;
}

function socketPeer(env: unknown): DeviceAddress | null {
  const socket = (env as NodeBindings | undefined)?.incoming?.socket;
  if (socket?.remoteAddress === undefined) return null;
  return { ip: normaliseIp(socket.remoteAddress), port: socket.remotePort };
}

/** IPv4-mapped IPv6 (`::ffff:198.51.100.1`, a dual-stack socket) is the IPv4 address. */
export function normaliseIp(ip: string): string {
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped ? (mapped[1] as string) : lower;
}

/** RFC 7239 §4: `for=` of each element, nearest proxy last; quoted IPv6 with brackets. */
function forwardedHops(header: string): (DeviceAddress | null)[] | null {
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
function forwardedForHops(header: string | undefined): (DeviceAddress | null)[] | null {
  if (header === undefined || header.trim() === '') return null;
  return header.split(',').map((entry) => {
    const value = entry.trim();
    const ipv6 = !value.startsWith('[') && value.split(':').length > 2;
    return toAddress(ipv6 ? `[${value}]` : value);
  });
}

function toAddress(text: string): DeviceAddress | null {
  const parsed = parseAddress(text);
  if (parsed === null) return null;
  return { ip: normaliseIp(parsed.ip), port: parsed.port };
}

/**
 * The edge writes the device's source port (behind CGNAT the IP alone names many subscribers) and
 * inner proxies pass it on unchanged (docs/authorization.md). One value, else no port.
 */
function forwardedPort(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,5}$/.test(header.trim())) return undefined;
  const port = Number(header.trim());
  return port >= 1 && port <= 65535 ? port : undefined;
}
