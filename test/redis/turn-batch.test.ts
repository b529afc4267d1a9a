import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitRule } from '../../src/store/port.js';
import type { RedisStore } from '../../src/store/redis.js';
import { dropPrefix, rawRedis, testPrefix, testRedisStore } from '../support/redis.js';

const prefix = testPrefix('turn-batch');
const raw = rawRedis();
let store: RedisStore;
const now = Date.UTC(2026, 0, 15, 12, 0, 0);

const BURST: RateLimitRule = { name: 'burst', limit: 3, windowMs: 1000 };
const QUOTA: RateLimitRule = { name: 'quota', limit: 5, windowMs: 60_000 };

/** Hits on three applications with different rule sets, interleaved; more than the limits allow. */
const CALLS: [string, RateLimitRule[]][] = Array.from({ length: 24 }, (_, i) => [
  `app${i % 3}`,
  i % 3 === 0 ? [BURST, QUOTA] : i % 3 === 1 ? [QUOTA] : [],
]);

beforeAll(async () => {
  await raw.connect();
  store = await testRedisStore(prefix);
});
afterAll(async () => {
  await store.close();
  await dropPrefix(raw, prefix);
  await raw.quit();
});

/**
 * The Redis engine sends the reads and rate-limit hits of one event-loop turn together: one MGET
 * and one script for all the hits after the first (src/store/redis-batch.ts). The answers must be
 * those of the same operations sent one by one, in the order they were issued.
 */
describe('RedisStore: reads and hits of one turn', () => {
  it('answers concurrent hits exactly as the same hits sent one after the other', async () => {
    const one = CALLS.map(([app, rules]) => [`one:${app}`, rules] as const);
    const sequential = [];
    for (const [key, rules] of one) sequential.push(await store.hit(key, rules, now));
    const concurrent = await Promise.all(CALLS.map(([app, rules]) => store.hit(`turn:${app}`, rules, now)));
    expect(concurrent).toEqual(sequential);
    expect(concurrent.filter((r) => r.allowed)).toHaveLength(3 + 5 + 8);
  });

  it('answers concurrent reads with each key its own value, absent keys null', async () => {
    await store.set('a', '1');
    await store.set('b', '2');
    const values = await Promise.all(['a', 'missing', 'b', 'a'].map((k) => store.get(k)));
    expect(values).toEqual(['1', null, '2', '1']);
  });

  it('runs the gathered hits again by EVAL after SCRIPT FLUSH', async () => {
    await raw.script('FLUSH');
    const results = await Promise.all(CALLS.map(([app, rules]) => store.hit(`flush:${app}`, rules, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3 + 5 + 8);
    expect(await raw.get(`${prefix}rl:{flush:app0}:quota:${Math.floor(now / 60_000)}`)).toBe('3');
    expect(await raw.script('EXISTS', store.scripts.hitMany.sha)).toEqual([1]);
  });
});
