import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import { planRules } from './plans.js';

/**
 * DESIGN §2 step 3: one atomic store call per request counts the hit against the application's
 * burst limit and plan quota. A store failure propagates (503): the limit is never skipped.
 */
export const rateLimit: MiddlewareHandler<Env> = async (c, next) => {
  const deps = c.get('deps');
  const access = c.get('access');
  const app = await deps.applications.get(access.clientId);
  if (app === null || app.status !== 'active') {
    // A token of a deleted or suspended application is no longer valid (RFC 6750 §3.1).
    throw new ApiError('UNAUTHENTICATED', undefined, {
      'WWW-Authenticate': 'Bearer realm="camara", error="invalid_token"',
    });
  }
  const result = await deps.store.hit(
    `app:${access.clientId}`,
    planRules(deps.plans, app.plan),
    deps.clock.now(),
  );
  const headers = rateLimitHeaders(result);
  if (!result.allowed) {
    const code = result.exceeded === 'quota' ? 'QUOTA_EXCEEDED' : 'TOO_MANY_REQUESTS';
    throw new ApiError(code, undefined, headers);
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
};
