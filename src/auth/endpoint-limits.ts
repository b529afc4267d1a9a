import type { Context, MiddlewareHandler } from 'hono';
import { decodeJwt } from 'jose';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { MAX_FORM_BYTES } from './form.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import { counterKey, windowOf, type RateLimitResult, type RateLimitRule } from '../store/port.js';

/** The client-authenticated endpoints (POST), by path or path prefix. */
export const LIMITED_ENDPOINTS = [
  '/oauth2/token',
  '/oauth2/bc-authorize',
  '/oauth2/introspect',
  '/oauth2/revoke',
];
const FAILURE_WINDOW_MS = 15 * 60_000;

const tooMany = (result: RateLimitResult) =>
  new OAuthError('too_many_requests', 'too many requests', rateLimitHeaders(result));

/**
 * Rate limits of the authorization server, in front of every client-authenticated endpoint:
 * 1. per source address, failed client authentications (credential stuffing): once the budget of
 *    the 15-minute window is spent, the address gets 429 before any credential is checked;
 * 2. per client and endpoint, once the request names a known client (Basic user, client_id,
 *    client_assertion or JWT-bearer assertion `iss`): 429 over the per-minute budget.
 * The store is never skipped: when it is down the endpoint answers 503 temporarily_unavailable.
 */
export const endpointLimits: MiddlewareHandler<Env> = async (c, next) => {
  const endpoint = LIMITED_ENDPOINTS.find((p) => c.req.path === p || c.req.path.startsWith(`${p}/`));
  if (endpoint === undefined || c.req.method !== 'POST') return next();
  const deps = c.get('deps');
  const now = deps.clock.now();
  const source = `oauth-fail:${sourceAddress(c, deps.config.clientIpHeader)}`;
  const failures: RateLimitRule = {
    name: 'auth-failures',
    limit: deps.config.oauthLimits.authFailuresPerIp,
    windowMs: FAILURE_WINDOW_MS,
  };
  // Read without counting (counterKey/windowOf: the counter layout both engines share): only a
  // failed authentication moves this counter (below).
  const spent = Number(
    (await deps.store.get(counterKey(source, failures, windowOf(failures, now).index))) ?? 0,
  );
  if (spent >= failures.limit) {
    throw tooMany({
      allowed: false,
      exceeded: failures.name,
      states: [{ ...failures, remaining: 0, resetMs: windowOf(failures, now).resetMs }],
    });
  }

  const clientId = await identifiedClient(c, deps);
  if (clientId !== undefined) {
    const rule: RateLimitRule = {
      name: 'oauth-client',
      limit: deps.config.oauthLimits.clientPerMinute,
      windowMs: 60_000,
    };
    const result = await deps.store.hit(`oauth:${endpoint}:${clientId}`, [rule], now);
    if (!result.allowed) throw tooMany(result);
  }

  await next();
  // RFC 6749 §5.2: a failed client authentication is the one 401 of these endpoints.
  if (c.res.status === 401) await deps.store.hit(source, [failures], now);
};

/**
 * The client a request names, when it is an onboarded one; not authenticated yet (the endpoint
 * does that). Unknown names get no client budget: they fail authentication and spend the
 * source's failure budget instead.
 */
async function identifiedClient(c: Context<Env>, deps: Deps): Promise<string | undefined> {
  const named = claimedClientId(c.req.header('authorization'), await formOf(c));
  if (named === undefined || named.length > 256) return undefined;
  return (await deps.applications.get(named)) === null ? undefined : named;
}

/** The form, when it is one of a sane size; the endpoint refuses the others itself. */
async function formOf(c: Context<Env>): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded/i.test(type)) return new URLSearchParams();
  const text = await c.req.text(); // cached by Hono: the endpoint reads the same body again
  return text.length > MAX_FORM_BYTES ? new URLSearchParams() : new URLSearchParams(text);
}

export function claimedClientId(
  authorization: string | undefined,
  form: URLSearchParams,
): string | undefined {
  const basic = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (basic !== null) {
    try {
      const text = atob(basic[1] as string);
      const i = text.indexOf(':');
      return i < 0 ? undefined : decodeURIComponent(text.slice(0, i));
    } catch {
      return undefined;
    }
  }
  for (const name of ['client_assertion', 'assertion']) {
    const jwt = form.get(name);
    if (jwt === null) continue;
    try {
      const iss = decodeJwt(jwt).iss;
      return typeof iss === 'string' ? iss : undefined;
    } catch {
      return undefined;
    }
  }
  return form.get('client_id') ?? undefined;
}

/**
 * The caller's address: from the header a trusted proxy sets (CLIENT_IP_HEADER; its right-most
 * value, the one that proxy appended), else the socket's. IPv6 callers are grouped by /64,
 * the block one subscriber line usually holds.
 */
export function sourceAddress(c: Context<Env>, header: string | undefined): string {
  let address: string | undefined;
  if (header !== undefined) {
    address = c.req.header(header)?.split(',').pop()?.trim();
  } else {
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    address = env?.incoming?.socket?.remoteAddress;
  }
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  if (!address.includes(':')) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
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
