import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  addressKeys,
  applicationKeys,
  grantKeys,
  refreshKeys,
  subscriberKeys,
} from '../../src/store/keys.js';
import { counterKey, windowOf, type RateLimitRule } from '../../src/store/port.js';
import type { RedisStore } from '../../src/store/redis.js';
import { rateLimitContract } from '../contract/rate-limit-contract.js';
import { storeContract } from '../contract/store-contract.js';
import { testPlatform } from '../support/app.js';
import { dropClusterPrefix, rawCluster, slotOf, testClusterStore } from '../support/redis-cluster.js';
import { testPrefix, untilGone } from '../support/redis.js';

const prefix = testPrefix('store-redis-cluster');
const raw = rawCluster();
let store: RedisStore;

beforeAll(async () => {
  await raw.connect();
  store = await testClusterStore(prefix);
});
afterAll(async () => {
  await store.close();
  await dropClusterPrefix(raw, prefix);
  raw.disconnect();
});

// The same contracts as one server: every script (hit, unhit, take) runs on the real cluster,
// which refuses a script whose keys lie in different slots (CROSSSLOT).
storeContract('redis-cluster', async () => ({
  store,
  clock: new ManualClock(),
  pttl: (key) => store.pttl(key),
  expire: (key, ttlMs) => untilGone(() => store.pttl(key), ttlMs + 2000),
  ttlSlackMs: 5000,
}));

rateLimitContract('redis-cluster', () => testPlatform({ store, clock: new ManualClock() }));

describe('Redis Cluster: one slot per script, owners spread', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const rules: RateLimitRule[] = [
    { name: 'burst', limit: 20, windowMs: 1000 },
    { name: 'quota', limit: 5000, windowMs: 86_400_000 },
  ];
  const counters = (key: string) => rules.map((r) => prefix + counterKey(key, r, windowOf(r, now).index));

  it('refuses a script over keys of two slots (CROSSSLOT): the engine never sends one', async () => {
    const [a, b] = [`${prefix}{c:one}:x`, `${prefix}{c:two}:x`];
    expect(await slotOf(raw, a)).not.toBe(await slotOf(raw, b));
    await expect(raw.eval("return redis.call('GET', KEYS[1])", 2, a, b)).rejects.toThrow(/CROSSSLOT/);
  });

  it.each([
    ['an application limiter', applicationKeys.limiter('bank-app')],
    ['an address limiter', addressKeys.limiter('203.0.113.7')],
    ['an untagged key (the contract suite)', 'limiter:with:no:tag'],
  ])('keeps the counters of %s in one slot', async (_name, key) => {
    const slots = new Set(await Promise.all(counters(key).map((k) => slotOf(raw, k))));
    expect(slots.size).toBe(1);
  });

  it("reads a protected call's revocation in its application limiter's slot", async () => {
    const [burst] = counters(applicationKeys.limiter('bank-app'));
    expect(await slotOf(raw, prefix + applicationKeys.revokedToken('bank-app', crypto.randomUUID()))).toBe(
      await slotOf(raw, burst as string),
    );
    expect(await slotOf(raw, prefix + applicationKeys.record('bank-app'))).toBe(
      await slotOf(raw, burst as string),
    );
  });

  it("keeps a subscriber's consents and opt-outs, and a grant's keys, together", async () => {
    const slot = (key: string) => slotOf(raw, prefix + key);
    const subject = 'k1.c3Vic2NyaWJlcg';
    const consent = await slot(
      subscriberKeys.consent(subject, 'bank-app', 'dpv:FraudPreventionAndDetection'),
    );
    expect(await slot(subscriberKeys.consent(subject, '*', 'dpv:FraudPreventionAndDetection'))).toBe(consent);
    expect(await slot(subscriberKeys.pendingConsent(subject, 'other-app', 'dpv:X'))).toBe(consent);
    expect(await slot(grantKeys.codeUsed('abc'))).toBe(await slot(grantKeys.code('abc')));
    expect(await slot(grantKeys.consentDecided('r1'))).toBe(await slot(grantKeys.consentRequest('r1')));
    expect(await slot(refreshKeys.used('h'))).toBe(await slot(refreshKeys.token('h')));
    expect(await slot(refreshKeys.familyAccess('f'))).toBe(await slot(refreshKeys.family('f')));
  });

  it('spreads applications over the slots of every master', async () => {
    const slots = await Promise.all(
      Array.from({ length: 60 }, (_, i) => slotOf(raw, prefix + applicationKeys.limiter(`client-${i}`))),
    );
    expect(new Set(slots).size).toBeGreaterThan(50);
    // Each of the three masters holds some of the applications (the client's own slot map).
    const masters = new Set(slots.map((s) => raw.slots[s]?.[0]));
    expect(masters.size).toBe(3);
  });
});
