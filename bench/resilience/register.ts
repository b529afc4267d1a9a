import type { Deps } from '../../src/deps.js';
import { BENCH_ISSUER } from '../child.js';
import { planRules } from '../../src/ratelimit/plans.js';
import { demoApplicationRecord } from '../platform-setup.js';
import { applicationKeys } from '../../src/store/keys.js';
import { FAULT_CLIENTS, OPTED_OUT_NUMBER, PURPOSE } from './clients.js';

/** The configuration every fault-run platform shares, on either runtime (beside its Redis). */
export const FAULT_CONFIG = {
  PUBLIC_URL: BENCH_ISSUER,
  REDIS_KEY_PREFIX: 'faults:',
  OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1000000',
  OAUTH_ADDRESS_REQUESTS_PER_MINUTE: '1000000',
};

/** The plans the two fault applications name; both must be in the serving platform's `plans`. */
export type FaultPlans = { served: string; overQuota: string };

/**
 * Registers the applications of the fault and soak runs into the platform's store, through `deps`
 * (the platform's own on Node, a twin over the same Redis for the Worker):
 * - `served`: a plan out of reach, so that every refusal it sees comes from the fault;
 * - `over-quota`: its plan's quota for the day spent here, so that each call must get 429;
 * - the served application asking about a subscriber who opted out: each call must get 403.
 * A 200 for either of the last two during a fault means a check was skipped.
 */
export async function registerFaultClients(deps: Deps, secret: string, plans: FaultPlans): Promise<void> {
  const record = demoApplicationRecord();
  const secretHash = await deps.clientSecrets.hash(secret);
  await deps.applications.put({
    ...record,
    clientId: FAULT_CLIENTS.served,
    name: 'Fault run, served',
    plan: plans.served,
    secretHash,
  });
  await deps.applications.put({
    ...record,
    clientId: FAULT_CLIENTS.overQuota,
    name: 'Fault run, over quota',
    plan: plans.overQuota,
    secretHash,
  });
  await spendQuota(deps, FAULT_CLIENTS.overQuota, plans.overQuota);
  await deps.consentManager.optOut(
    { clientId: FAULT_CLIENTS.served, purpose: PURPOSE, subscriber: OPTED_OUT_NUMBER },
    'operator',
  );
}

/**
 * Counts the plan's whole daily quota against the application, on the limiter key and windows
 * the platform counts in (ratelimit/limiter.ts), its quota rule alone so that the burst limit
 * does not stop the count. A Worker serves only the default plans: the smallest quota is 5000.
 */
async function spendQuota(deps: Deps, clientId: string, plan: string): Promise<void> {
  const quota = planRules(deps.plans, plan).find((rule) => rule.name === 'quota');
  if (quota === undefined) throw new Error(`plan ${plan} has no quota`);
  const key = applicationKeys.limiter(clientId);
  const now = deps.clock.now();
  await Promise.all(Array.from({ length: quota.limit }, () => deps.store.hit(key, [quota], now)));
}
