import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import type { RateLimitResult, RateLimitRule } from '../store/port.js';
import { sourceAddress } from './client-address.js';
import { formBytes } from './form.js';
import { addressKeys, applicationKeys } from '../store/keys.js';

/** The client-authenticated endpoints (POST), by path or path prefix. */
export const LIMITED_ENDPOINTS = [
  '/oauth2/token',
  '/oauth2/bc-authorize',
  '/oauth2/introspect',
  '/oauth2/revoke',
] as const;
export type LimitedEndpoint = (typeof LIMITED_ENDPOINTS)[number];

const FAILURE_WINDOW_MS = 15 * 60_000;

/** The refusal, counted under the authenticated client (none for the per-address limits). */
function tooMany(deps: Deps, result: RateLimitResult, clientId?: string): OAuthError {
  deps.metrics.rateLimited('too_many_requests', clientId);
  return new OAuthError('too_many_requests', 'too many requests', rateLimitHeaders(result));
}

/**
 * Rate limits of the authorization server before any credential is checked, per source address
 * (the one resolver, client-address.ts), never per a client the request merely names: anyone can
 * name a client, so a budget charged on a name lets anyone lock a partner out, and a 429 only for
 * known names tells which client_ids exist. Per source address:
 * 1. requests per minute to these endpoints (OAUTH_ADDRESS_REQUESTS_PER_MINUTE);
 * 2. failed client authentications per 15 minutes (credential stuffing). The attempt is reserved
 *    atomically before the check and given back unless it failed: read-then-count let 300
 *    concurrent wrong secrets through a limit of 20.
 * The client's own budget is charged after it has authenticated (chargeClient). The store is
 * never skipped: when it is down the endpoint answers 503 temporarily_unavailable.
 */
export const endpointLimits: MiddlewareHandler<Env> = async (c, next) => {
  const endpoint = LIMITED_ENDPOINTS.find((p) => c.req.path === p || c.req.path.startsWith(`${p}/`));
  if (endpoint === undefined || c.req.method !== 'POST') return next();
  const deps = c.get('deps');
  // The body first (bounded by bodyLimit, kept by Hono for the endpoint): the reservation below
  // then spans the credential check, not a client's upload, so slow or held-back bodies never
  // occupy the failure budget of an address that legitimate clients share.
  await formBytes(c);
  const now = deps.clock.now();
  const { addressPerMinute, authFailuresPerIp } = deps.config.oauthLimits;
  const source = addressKeys.limiter(sourceAddress(c, deps.config.edge));
  const requests: RateLimitRule = { name: 'oauth-address', limit: addressPerMinute, windowMs: 60_000 };
  const failures: RateLimitRule = {
    name: 'auth-failures',
    limit: authFailuresPerIp,
    windowMs: FAILURE_WINDOW_MS,
  };
  const reserved = await deps.store.hit(source, [requests, failures], now);
  if (!reserved.allowed) throw tooMany(deps, reserved);

  let failed = true;
  try {
    await next();
    // RFC 6749 §5.2: a failed client authentication is the one 401 of these endpoints.
    failed = c.res.status === 401;
  } finally {
    if (!failed) {
      // Best effort: a reservation not given back only expires with its window.
      await deps.store.unhit(source, [failures], now).catch((error: unknown) => {
        deps.logger.warn('failure reservation not given back', { error: String(error) });
      });
    }
  }
};

/**
 * Charges the authenticated client's own budget at `endpoint` (OAUTH_CLIENT_REQUESTS_PER_MINUTE):
 * 429 too_many_requests past it. Called only once the client has proved who it is
 * (authenticateClient, or the JWT-bearer grant's own assertion), so nobody spends another's.
 */
export async function chargeClient(deps: Deps, endpoint: LimitedEndpoint, clientId: string): Promise<void> {
  const rule: RateLimitRule = {
    name: 'oauth-client',
    limit: deps.config.oauthLimits.clientPerMinute,
    windowMs: 60_000,
  };
  const result = await deps.store.hit(
    applicationKeys.endpointLimiter(endpoint, clientId),
    [rule],
    deps.clock.now(),
  );
  if (!result.allowed) throw tooMany(deps, result, clientId);
}
