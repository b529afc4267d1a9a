import type { RateLimitRule } from '../store/port.js';

/**
 * Rate-limit plans: a burst limit (429 TOO_MANY_REQUESTS) and a business quota
 * (429 QUOTA_EXCEEDED) per application. An application names its plan at onboarding.
 */
export type Plan = {
  burst: RateLimitRule;
  quota: RateLimitRule;
  /** Client secrets issued under the plan: their default and longest lifetime (admin/v1/credentials.ts). */
  secretTtl?: { defaultSeconds: number; maxSeconds: number } | undefined;
};

/** A plan as the operator sets it through the admin API (admin/v1/plans.ts) and the store keeps it. */
export type PlanSettings = {
  burstPerSecond: number;
  quotaPerDay: number;
  secretTtl?: { defaultSeconds: number; maxSeconds: number } | undefined;
};

export const toPlan = (s: PlanSettings): Plan => plan(s.burstPerSecond, s.quotaPerDay, s.secretTtl);

const plan = (burstPerSecond: number, quotaPerDay: number, secretTtl?: Plan['secretTtl']): Plan => ({
  burst: { name: 'burst', limit: burstPerSecond, windowMs: 1000 },
  quota: { name: 'quota', limit: quotaPerDay, windowMs: 86_400_000 },
  ...(secretTtl === undefined ? {} : { secretTtl }),
});

export const DEFAULT_PLANS: Record<string, Plan> = {
  // The sandbox's published demo secret is re-issued at every start: it may live for years.
  sandbox: plan(20, 5_000, { defaultSeconds: 90 * 86_400, maxSeconds: 10 * 365 * 86_400 }),
  standard: plan(200, 1_000_000),
  premium: plan(2_000, 50_000_000),
};

export function planRules(plans: Record<string, Plan>, name: string): readonly RateLimitRule[] {
  // An unknown plan gets the most restrictive one, never unlimited access. Own keys only: a plan
  // named `constructor` must not reach Object.prototype.
  const p = (Object.hasOwn(plans, name) ? plans[name] : undefined) ?? plans.sandbox ?? plan(1, 1);
  return [p.burst, p.quota];
}

/** The stored record last taken into each plan table: it is parsed again only when its text changed. */
const taken = new WeakMap<Record<string, Plan>, string>();

/**
 * Takes the plans the operator set (the store's plans record, by name; null when none was set)
 * into `plans`, the table the rate limit reads, over the defaults in code. Every protected call
 * reads the record in its batch (limiter.ts): an instance takes a change made on another one with
 * its next call, which the limiter then counts by the new limits.
 */
export function takeStoredPlans(plans: Record<string, Plan>, raw: string | null): void {
  if (raw === null || taken.get(plans) === raw) return;
  for (const [name, settings] of Object.entries(JSON.parse(raw) as Record<string, PlanSettings>))
    plans[name] = toPlan(settings);
  taken.set(plans, raw);
}
