import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import type { StoreBatch } from '../store/batch.js';
import { applicationKeys, registryKeys } from '../store/keys.js';
import type { RateLimitRule } from '../store/port.js';
import { planRules, takeStoredPlans } from './plans.js';

/**
 * DESIGN §2 step 3: one atomic hit per call counts against the application's burst limit and
 * plan quota, added to the call's store batch (its one round trip). The returned check answers
 * 429 (TOO_MANY_REQUESTS for the burst, QUOTA_EXCEEDED for the plan) with the RateLimit headers,
 * or sets them on the call's answer. A store failure propagates (503): the limit is never skipped.
 *
 * The hit leaves with the plan this instance knew. The operator's plans record (admin API) and the
 * application's fresh record (pipeline/application.ts) travel in the same batch; when they name
 * other limits (a change made on another instance), the call is counted again by those, so that a
 * change holds from the very next call everywhere. Two more round trips, once per change.
 */
export function countHit(c: Context<Env>, batch: StoreBatch): () => Promise<void> {
  const deps = c.get('deps');
  const key = applicationKeys.limiter(c.get('access').clientId);
  const now = deps.clock.now();
  const rules = planRules(deps.plans, c.get('application').plan);
  const hit = batch.hit(key, rules, now);
  const stored = batch.get(registryKeys.plans);
  stored.catch(() => {}); // a failed batch stops the call before this check reads it (503)
  return async () => {
    takeStoredPlans(deps.plans, await stored);
    let result = await hit;
    // Runs after step 2's check: `application` is now the record read in this call's batch.
    const current = planRules(deps.plans, c.get('application').plan);
    if (!sameRules(rules, current)) {
      if (result.allowed) await deps.store.unhit(key, rules, now);
      result = await deps.store.hit(key, current, now);
    }
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

const sameRules = (a: readonly RateLimitRule[], b: readonly RateLimitRule[]) =>
  a.length === b.length &&
  a.every((r, i) => r.name === b[i]?.name && r.limit === b[i]?.limit && r.windowMs === b[i]?.windowMs);
