import type { Deps } from '../../deps.js';
import { takeStoredPlans, toPlan, type Plan, type PlanSettings } from '../../ratelimit/plans.js';
import { registryKeys } from '../../store/keys.js';
import { upsertRecord } from '../record-update.js';

/**
 * Plans set through the admin API: one store record (every plan the operator set, by name) over
 * the defaults in code. `deps.plans` is the table the rate-limit step reads on the hot path; a
 * change is written to the store and into that table at once; the other instances take it from
 * the store with their next protected call (ratelimit/plans.ts takeStoredPlans).
 */

/** Client secrets under a plan without its own setting: 90 days by default, a year at most. */
export const DEFAULT_SECRET_TTL = { defaultSeconds: 90 * 86_400, maxSeconds: 365 * 86_400 };

export const planView = (name: string, p: Plan) => ({
  name,
  // A plan of other windows (set in code) is shown by its limits as they are.
  burstPerSecond: p.burst.limit,
  quotaPerDay: p.quota.limit,
  secretTtl: p.secretTtl ?? DEFAULT_SECRET_TTL,
});

/** The plan named so (own keys only: `constructor` is no plan), after the store's settings. */
export async function planOf(deps: Deps, name: string): Promise<Plan | undefined> {
  await syncPlans(deps);
  return Object.hasOwn(deps.plans, name) ? deps.plans[name] : undefined;
}

/** Takes the plans the operator set from the store into this instance's table. */
export async function syncPlans(deps: Deps): Promise<void> {
  takeStoredPlans(deps.plans, await deps.store.get(registryKeys.plans));
}

/**
 * Creates or replaces a plan; effective on this instance's next call. The record holds every
 * plan, so the write is a compare-and-set (record-update.ts): two plans set at once both land.
 */
export async function putPlan(deps: Deps, name: string, settings: PlanSettings): Promise<Plan> {
  await upsertRecord<Record<string, PlanSettings>>(deps.store, registryKeys.plans, (stored) => ({
    ...stored,
    [name]: settings,
  }));
  const plan = toPlan(settings);
  deps.plans[name] = plan;
  return plan;
}
