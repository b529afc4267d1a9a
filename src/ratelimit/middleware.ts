import type { Context, MiddlewareHandler } from 'hono';
import { invalidToken } from '../auth/resource-guard.js';
import { isRevoked } from '../auth/revocation.js';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import { planRules } from './plans.js';

/**
 * DESIGN §2 step 3: one atomic store call per request counts the hit against the application's
 * burst limit and plan quota. A store failure propagates (503): the limit is never skipped.
 *
 * The revocation check of the token (step 2) is read in the same round trip: both commands are
 * issued in the same turn of the event loop, which the Redis engine sends as one pipeline
 * (ioredis auto-pipelining). A revoked token is refused with the token's 401, before the 429.
 */
export async function limit(c: Context<Env>): Promise<void> {
  const deps = c.get('deps');
  const access = c.get('access');
  const revoked = isRevoked(deps.store, access.jti);
  revoked.catch(() => {}); // awaited below; not left unhandled if the application lookup throws
  const app = await deps.applications.get(access.clientId); // in-process cache on the hot path
  // A token of a deleted or suspended application is no longer valid (RFC 6750 §3.1).
  if (app?.status !== 'active')
    deps.metrics.applicationRefused(access.clientId, app?.status ?? 'removed', 'api');
  if (app === null || app.status !== 'active') throw invalidToken();
  const [result, isTokenRevoked] = await Promise.all([
    deps.store.hit(`app:${access.clientId}`, planRules(deps.plans, app.plan), deps.clock.now()),
    revoked,
  ]);
  if (isTokenRevoked) throw invalidToken();
  const headers = rateLimitHeaders(result);
  if (!result.allowed) {
    const code = result.exceeded === 'quota' ? 'QUOTA_EXCEEDED' : 'TOO_MANY_REQUESTS';
    deps.metrics.rateLimited(code, access.clientId);
    throw new ApiError(code, undefined, headers);
  }
  // Set before the route runs: its answer, success or error, is built with them.
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/** limit() as a middleware. */
export const rateLimit: MiddlewareHandler<Env> = async (c, next) => {
  await limit(c);
  await next();
};
