import { ApiError } from '../../src/errors.js';
import type { Subscriber } from '../../src/network/port.js';

/**
 * SIM Swap 2.1.0 business rules (SPEC-DIGEST §2). Pure: no HTTP, no storage.
 *
 * A "SIM swap" is any new association of the number with a SIM, the first one (a new
 * subscription) included; so the latest change is the last SIM change, else the activation.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_MAX_AGE_HOURS = 240;

/** The market's constraints: the regulatory cap on maxAge and the retention window, if any. */
export type SimSwapPolicy = {
  /** Largest maxAge the market allows (≤ 2400, the schema maximum). */
  maxAgeCapHours: number;
  /** Days of SIM change history that may be disclosed; undefined: unlimited. */
  monitoredDays: number | undefined;
};

function latestChange(subscriber: Subscriber): number | null {
  return subscriber.simChanges.at(-1) ?? subscriber.activatedAt;
}

/** The effective upper bound of maxAge in hours under this policy. */
export function maxAgeLimit(policy: SimSwapPolicy): number {
  const window = policy.monitoredDays === undefined ? Number.POSITIVE_INFINITY : policy.monitoredDays * 24;
  return Math.min(policy.maxAgeCapHours, window);
}

/**
 * The maxAge a check applies: the request's, else the default of 240 h; 400 OUT_OF_RANGE above
 * the market's limit, the default included (answering for a shorter window than the one asked
 * would turn "no swap in the last 240 h" into a false statement).
 */
export function effectiveMaxAge(requested: number | undefined, policy: SimSwapPolicy): number {
  const maxAge = requested ?? DEFAULT_MAX_AGE_HOURS;
  const limit = maxAgeLimit(policy);
  if (maxAge > limit) {
    // SIM Swap info.description: "Check monitor period could not exceed local regulations".
    throw new ApiError(
      'OUT_OF_RANGE',
      `Check monitor period could not exceed local regulations (${limit} hours).`,
    );
  }
  return maxAge;
}

/** checkSimSwap: was there a swap within the last `maxAge` hours? */
export function checkSimSwap(
  subscriber: Subscriber,
  maxAge: number,
  now: number,
  policy: SimSwapPolicy,
): boolean {
  effectiveMaxAge(maxAge, policy);
  const latest = latestChange(subscriber);
  return latest !== null && latest >= now - maxAge * HOUR_MS;
}

export type SimSwapInfo = { latestSimChange: string | null; monitoredPeriod?: number };

/**
 * retrieveSimSwapDate: the latest change; the activation date when never swapped; null when the
 * number was never associated with a SIM, or when the date lies outside the disclosable window
 * (then with `monitoredPeriod`, meaning "no swap during that period").
 */
export function retrieveSimSwapDate(subscriber: Subscriber, now: number, policy: SimSwapPolicy): SimSwapInfo {
  const latest = latestChange(subscriber);
  if (latest === null) return { latestSimChange: null };
  if (policy.monitoredDays !== undefined && latest < now - policy.monitoredDays * DAY_MS) {
    return { latestSimChange: null, monitoredPeriod: policy.monitoredDays };
  }
  return { latestSimChange: new Date(latest).toISOString() };
}
