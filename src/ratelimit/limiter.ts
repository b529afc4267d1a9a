import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import type { StoreBatch } from '../store/batch.js';
import { applicationKeys, registryKeys } from '../store/keys.js';
import { planRules, takeStoredPlans } from './plans.js';

/**
 * DESIGN §2 step 3: one atomic hit per call counts against the application's burst limit and
 * plan quota, added to the call's store batch (its one round trip). The returned check answers
 * 429 (TOO_MANY_REQUESTS for the burst, QUOTA_EXCEEDED for the plan) with the RateLimit headers,
 * or sets them on the call's answer. The plans record is read beside it (plans.ts takeStoredPlans). A store failure propagates (503): the limit is never skipped.
 */
export function countHit(c: Context<Env>, batch: StoreBatch): () => Promise<void> {
  const deps = c.get('deps');
  const rules = planRules(deps.plans, c.get('application').plan);
  const hit = batch.hit(applicationKeys.limiter(c.get('access').clientId), rules, deps.clock.now());
  // The operator's plans (admin API) travel with the hit: a change made on another instance is
  // taken now and counts from this instance's next call, at no extra round trip.
  const stored = batch.get(registryKeys.plans);
  stored.catch(() => {}); // a failed batch stops the call before this check reads it (503)
  return async () => {
    takeStoredPlans(deps.plans, await stored);
    const result = await hit;
    const headers = rateLimitHeaders(result);
    if (!result.allowed) {
      const code = result.exceeded === 'quota' ? 'QUOTA_EXCEEDED' : 'TOO_MANY_REQUESTS';
      deps.metrics.rateLimited(code, c.get('access').clientId);
      throw new ApiError(code, undefined, headers);
    }
    // Set before the route runs: its answer, success or error, is built with them.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
