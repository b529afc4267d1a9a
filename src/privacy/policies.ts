import { ApiError } from '../errors.js';
import { KYC_ATTRIBUTES, type KycAttribute } from '../network/port.js';

/**
 * Data-minimisation policies: what one declared purpose may learn from one API (DESIGN §2 step 9).
 * The purpose registry (src/consent/purposes.ts) holds one policy per purpose and API; the API
 * services receive the policy and enforce it, so a handler cannot forget it.
 */

/** Every attribute KYC Match 0.4.0 can verify (besides phoneNumber, which identifies the subject). */
export const KYC_FIELDS = KYC_ATTRIBUTES;

export type KycField = KycAttribute;

/** SIM Swap: limits on top of the market's (SIM_SWAP_MAX_AGE_CAP_HOURS, SIM_SWAP_MONITORED_DAYS). */
export type SimSwapDataPolicy = {
  /** Longest look-back `check` may use for this purpose, in hours; absent: the market cap. */
  maxAgeHours?: number | undefined;
  /**
   * `retrieve-date` discloses a date only when it lies within this many days; an older change
   * (or activation) is answered `latestSimChange: null` with `monitoredPeriod` (DESIGN §3).
   * Absent: any date is disclosed, as far as the market allows.
   */
  monitoredDays?: number | undefined;
};

/** KYC Match: the attributes this purpose may verify; any other attribute is refused. */
export type KycMatchDataPolicy = { fields: readonly KycField[] };

/** Number Verification: hashed-only mode never lets the number travel in clear. */
export type NumberVerificationDataPolicy = {
  /** verify accepts `hashedPhoneNumber` only, and device-phone-number (share) is refused. */
  hashedOnly: boolean;
};

export type ApiPolicies = {
  'sim-swap': SimSwapDataPolicy;
  'kyc-match': KycMatchDataPolicy;
  'number-verification': NumberVerificationDataPolicy;
};

export type PolicyApi = keyof ApiPolicies;

/** The most a purpose may get when its registry entry says nothing more specific. */
export const DEFAULT_POLICIES: ApiPolicies = {
  'sim-swap': {},
  'kyc-match': { fields: [] },
  'number-verification': { hashedOnly: false },
};

/** Where policies come from: the purpose registry. */
export interface PolicySource {
  /** The policy of `purpose` for `api`, or undefined when the purpose does not cover the API. */
  apiPolicy<A extends PolicyApi>(purpose: string, api: A): ApiPolicies[A] | undefined;
}

/**
 * The data policy of a purpose for an API. Throws 403 PERMISSION_DENIED when the purpose is
 * absent or does not cover the API; the legal-basis check (step 7) already refuses such calls, so
 * this is a second lock, never the first.
 */
export function policyFor<A extends PolicyApi>(
  source: PolicySource,
  purpose: string | undefined,
  api: A,
): ApiPolicies[A] {
  const policy = purpose === undefined ? undefined : source.apiPolicy(purpose, api);
  if (policy === undefined) throw new ApiError('PERMISSION_DENIED');
  return policy;
}

/** The SIM Swap limits in force: the stricter of the market's and the purpose's. */
export function effectiveSimSwapPolicy(
  market: { maxAgeCapHours: number; monitoredDays: number | undefined },
  purpose: SimSwapDataPolicy,
): { maxAgeCapHours: number; monitoredDays: number | undefined } {
  const days = [market.monitoredDays, purpose.monitoredDays].filter((d): d is number => d !== undefined);
  return {
    maxAgeCapHours: Math.min(market.maxAgeCapHours, purpose.maxAgeHours ?? Number.POSITIVE_INFINITY),
    monitoredDays: days.length === 0 ? undefined : Math.min(...days),
  };
}

/**
 * KYC Match: every attribute of the request other than phoneNumber must be in the purpose's
 * field list, else 403 PERMISSION_DENIED with the standard message, which names no attribute and
 * no data (the caller learns only that the request exceeds its purpose).
 */
export function assertKycFieldsAllowed(policy: KycMatchDataPolicy, request: Record<string, unknown>): void {
  const allowed = new Set<string>(policy.fields);
  for (const [field, value] of Object.entries(request)) {
    if (field === 'phoneNumber' || value === undefined) continue;
    if (!allowed.has(field)) throw new ApiError('PERMISSION_DENIED');
  }
}

/**
 * Number Verification: in hashed-only mode, verify takes `hashedPhoneNumber` only and the share
 * operation (device-phone-number) is refused, both with 403 PERMISSION_DENIED.
 */
export function assertNumberVerificationAllowed(
  policy: NumberVerificationDataPolicy,
  operation: { kind: 'verify'; phoneNumber?: string | undefined } | { kind: 'share' },
): void {
  if (!policy.hashedOnly) return;
  if (operation.kind === 'share' || operation.phoneNumber !== undefined) {
    throw new ApiError('PERMISSION_DENIED');
  }
}

/**
 * Responses never carry a field the request did not ask for: keeps only `allowed` keys. For
 * services that build a response from a wider record.
 */
export function onlyFields<T extends Record<string, unknown>>(
  value: T,
  allowed: Iterable<string>,
): Partial<T> {
  const keep = new Set(allowed);
  return Object.fromEntries(Object.entries(value).filter(([k]) => keep.has(k))) as Partial<T>;
}
