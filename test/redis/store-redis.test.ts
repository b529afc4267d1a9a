import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { RedisStore } from '../../src/store/redis.js';
import { storeContract } from '../contract/store-contract.js';
import {
  dropPrefix,
  rawRedis,
  testPrefix,
  testRedisStore,
  testRedisUrl,
  untilGone,
} from '../support/redis.js';

const prefix = testPrefix('store-redis');
const raw = rawRedis();
let store: RedisStore;

beforeAll(async () => {
  await raw.connect();
  store = await testRedisStore(prefix);
});
afterAll(async () => {
  await store.close();
  await dropPrefix(raw, prefix);
  await raw.quit();
});

storeContract('redis', async () => ({
  store,
  clock: new ManualClock(),
  pttl: (key) => store.pttl(key),
  // Redis expires keys on its own clock: wait for it, bounded well above the TTL.
  expire: (key, ttlMs) => untilGone(() => store.pttl(key), ttlMs + 2000),
  ttlSlackMs: 5000,
}));

describe('RedisStore', () => {
  afterEach(() => vi.restoreAllMocks());
  const rules = [{ name: 'burst', limit: 100, windowMs: 60_000 }];
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  it('loads its scripts at connection and runs them by EVALSHA', async () => {
    const shas = Object.values(store.scripts).map((s) => s.sha);
    expect(await raw.script('EXISTS', ...shas)).toEqual(shas.map(() => 1));
    const evalsha = vi.spyOn(store.client, 'evalsha');
    const evalSource = vi.spyOn(store.client, 'eval');
    await store.hit('scripts', rules, now);
    await store.take('scripts');
    await store.replace('scripts', null, 'v');
    expect(evalsha).toHaveBeenCalledTimes(3);
    expect(evalSource).not.toHaveBeenCalled();
  });

  it('falls back to EVAL after SCRIPT FLUSH, which caches the script again', async () => {
    await raw.script('FLUSH');
    const evalSource = vi.spyOn(store.client, 'eval');
    await store.set('code', 'grant');
    expect(await store.take('code')).toBe('grant');
    expect((await store.hit('flush', rules, now)).states[0]?.remaining).toBe(99);
    expect(evalSource).toHaveBeenCalledTimes(2);
    expect(await raw.script('EXISTS', store.scripts.hit.sha, store.scripts.take.sha)).toEqual([1, 1]);
    expect((await store.hit('flush', rules, now)).states[0]?.remaining).toBe(98);
    expect(evalSource).toHaveBeenCalledTimes(2);
  });

  it('prefixes every key it writes, script keys included', async () => {
    await store.set('plain', '1');
    await store.setIfAbsent('claim', '1', 60_000);
    await store.hit('pfx', rules, now);
    const keys = await raw.keys(`${prefix}*`);
    expect(keys).toEqual(
      expect.arrayContaining([`${prefix}plain`, `${prefix}claim`, `${prefix}rl:{pfx}:burst:${now / 60_000}`]),
    );
    expect(await raw.exists('plain', 'claim', `rl:{pfx}:burst:${now / 60_000}`)).toBe(0);
  });

  it('never lets 5 connections × 20 concurrent hits exceed the limit', async () => {
    const peers = await Promise.all(Array.from({ length: 5 }, () => testRedisStore(prefix)));
    const limit = [{ name: 'burst', limit: 30, windowMs: 60_000 }];
    const results = await Promise.all(
      peers.flatMap((peer) => Array.from({ length: 20 }, () => peer.hit('peers', limit, now))),
    );
    await Promise.all(peers.map((peer) => peer.close()));
    expect(results.filter((r) => r.allowed)).toHaveLength(30);
    expect(await raw.get(`${prefix}rl:{peers}:burst:${now / 60_000}`)).toBe('30');
  });

  it('fails every operation at once with StoreUnavailableError when Redis cannot be reached', async () => {
    const url = new URL(testRedisUrl());
    url.port = '1'; // nothing listens on port 1
    const dead = new RedisStore({ url: url.toString(), keyPrefix: prefix });
    await dead.connect(); // tolerated: the platform starts and answers 503 until Redis is back
    const ops = [
      dead.get('a'),
      dead.set('a', 'v'),
      dead.set('a', 'v', 1000),
      dead.setIfAbsent('a', 'v', 1000),
      dead.take('a'),
      dead.del('a'),
      dead.hit('a', rules, now),
      dead.ping(),
    ];
    for (const op of await Promise.allSettled(ops)) {
      expect(op.status).toBe('rejected');
      expect((op as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    await dead.close();
  });
});
