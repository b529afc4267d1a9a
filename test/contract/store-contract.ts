import { beforeEach, describe, expect, it } from 'vitest';
import { batchContract } from './batch-contract.js';
import { hitContract } from './hit-contract.js';
import { keyspace, type StoreHarness } from './harness.js';
import { replaceContract } from './replace-contract.js';

export type { StoreHarness } from './harness.js';

/** A TTL short enough for Redis to expire in real time within a test. */
const SHORT = 20;
const LONG = 60_000;

/**
 * The storage port's contract (src/store/port.ts). Every engine runs it: memory in
 * test/unit/store-memory.test.ts, Redis in test/redis/store-redis.test.ts.
 */
export function storeContract(engine: string, setup: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${engine}`, () => {
    let h: StoreHarness;
    let k: (name: string) => string;
    beforeEach(async () => {
      h = await setup();
      k = keyspace();
    });

    describe('get / set', () => {
      it('reads null for an absent key', async () => {
        expect(await h.store.get(k('absent'))).toBeNull();
      });

      it('reads back what was written, and the last write wins', async () => {
        await h.store.set(k('a'), 'one');
        await h.store.set(k('a'), 'two');
        expect(await h.store.get(k('a'))).toBe('two');
      });

      it('keeps a value written without a TTL until deleted', async () => {
        await h.store.set(k('a'), 'v');
        expect(await h.pttl(k('a'))).toBe(-1);
      });

      it('keeps a value written with a TTL for that TTL', async () => {
        await h.store.set(k('a'), 'v', LONG);
        expect(await h.store.get(k('a'))).toBe('v');
        const ttl = await h.pttl(k('a'));
        expect(ttl).toBeLessThanOrEqual(LONG);
        expect(ttl).toBeGreaterThanOrEqual(LONG - h.ttlSlackMs);
      });

      it('drops a value once its TTL has run out', async () => {
        await h.store.set(k('a'), 'v', SHORT);
        await h.expire(k('a'), SHORT);
        expect(await h.store.get(k('a'))).toBeNull();
        expect(await h.pttl(k('a'))).toBe(-2);
      });

      it('drops the old TTL when a value is rewritten without one', async () => {
        await h.store.set(k('a'), 'v', LONG);
        await h.store.set(k('a'), 'w');
        expect(await h.pttl(k('a'))).toBe(-1);
      });

      it('deletes the key when written with a TTL ≤ 0 (already expired)', async () => {
        await h.store.set(k('a'), 'v');
        await h.store.set(k('a'), 'w', 0);
        expect(await h.store.get(k('a'))).toBeNull();
      });

      it.each([Number.NaN, Number.POSITIVE_INFINITY])(
        'rejects a TTL of %s and keeps the key',
        async (ttl) => {
          await h.store.set(k('a'), 'v');
          await expect(h.store.set(k('a'), 'w', ttl)).rejects.toThrow(TypeError);
          await expect(h.store.setIfAbsent(k('b'), 'w', ttl)).rejects.toThrow(TypeError);
          expect(await h.store.get(k('a'))).toBe('v');
          expect(await h.store.get(k('b'))).toBeNull();
        },
      );
    });

    describe('setIfAbsent', () => {
      it('writes an absent key with its TTL', async () => {
        expect(await h.store.setIfAbsent(k('a'), 'first', LONG)).toBe(true);
        expect(await h.store.get(k('a'))).toBe('first');
        expect(await h.pttl(k('a'))).toBeGreaterThanOrEqual(LONG - h.ttlSlackMs);
      });

      it('leaves a present key, its value and its TTL alone', async () => {
        await h.store.set(k('a'), 'first', LONG);
        expect(await h.store.setIfAbsent(k('a'), 'second', 10 * LONG)).toBe(false);
        expect(await h.store.get(k('a'))).toBe('first');
        expect(await h.pttl(k('a'))).toBeLessThanOrEqual(LONG);
      });

      it('writes again once the previous value has expired', async () => {
        expect(await h.store.setIfAbsent(k('a'), 'first', SHORT)).toBe(true);
        await h.expire(k('a'), SHORT);
        expect(await h.store.setIfAbsent(k('a'), 'second', LONG)).toBe(true);
        expect(await h.store.get(k('a'))).toBe('second');
      });

      it('with a TTL ≤ 0: true when absent, false when present, keeps nothing', async () => {
        expect(await h.store.setIfAbsent(k('a'), 'v', 0)).toBe(true);
        expect(await h.store.get(k('a'))).toBeNull();
        await h.store.set(k('b'), 'kept');
        expect(await h.store.setIfAbsent(k('b'), 'v', -5)).toBe(false);
        expect(await h.store.get(k('b'))).toBe('kept');
      });

      it('lets exactly one of 20 concurrent claims win', async () => {
        const claims = Array.from({ length: 20 }, (_, i) => h.store.setIfAbsent(k('jti'), `c${i}`, LONG));
        const won = (await Promise.all(claims)).filter(Boolean);
        expect(won).toHaveLength(1);
      });
    });

    describe('index sets', () => {
      it('adds, lists sorted, and removes members; an absent set is empty', async () => {
        expect(await h.store.setMembers(k('index'))).toEqual([]);
        expect(await h.store.setAdd(k('index'), 'b')).toBe(true);
        expect(await h.store.setAdd(k('index'), 'a')).toBe(true);
        expect(await h.store.setAdd(k('index'), 'b')).toBe(false);
        expect(await h.store.setMembers(k('index'))).toEqual(['a', 'b']);
        expect(await h.store.setRemove(k('index'), 'b')).toBe(true);
        expect(await h.store.setRemove(k('index'), 'b')).toBe(false);
        expect(await h.store.setMembers(k('index'))).toEqual(['a']);
        expect(await h.store.setRemove(k('index'), 'a')).toBe(true);
        expect(await h.store.setMembers(k('index'))).toEqual([]);
      });

      it('keeps each set apart from the values and from other sets', async () => {
        await h.store.set(k('value'), 'v');
        await h.store.setAdd(k('one'), 'x');
        await h.store.setAdd(k('two'), 'y');
        expect(await h.store.setMembers(k('one'))).toEqual(['x']);
        expect(await h.store.setMembers(k('two'))).toEqual(['y']);
        expect(await h.store.get(k('value'))).toBe('v');
      });

      it('adds concurrently without losing a member', async () => {
        const ids = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
        await Promise.all(ids.map((id) => h.store.setAdd(k('index'), id)));
        expect(await h.store.setMembers(k('index'))).toEqual(ids);
      });
    });

    describe('take / del', () => {
      it('returns the value and deletes it: single use', async () => {
        await h.store.set(k('code'), 'grant', LONG);
        expect(await h.store.take(k('code'))).toBe('grant');
        expect(await h.store.take(k('code'))).toBeNull();
        expect(await h.store.get(k('code'))).toBeNull();
      });

      it('returns null for an absent or expired key', async () => {
        expect(await h.store.take(k('absent'))).toBeNull();
        await h.store.set(k('code'), 'grant', SHORT);
        await h.expire(k('code'), SHORT);
        expect(await h.store.take(k('code'))).toBeNull();
      });

      it('hands the value to exactly one of 20 concurrent takers', async () => {
        await h.store.set(k('code'), 'grant', LONG);
        const taken = await Promise.all(Array.from({ length: 20 }, () => h.store.take(k('code'))));
        expect(taken.filter((v) => v !== null)).toEqual(['grant']);
      });

      it('del tells whether a live key existed', async () => {
        await h.store.set(k('a'), 'v');
        expect(await h.store.del(k('a'))).toBe(true);
        expect(await h.store.del(k('a'))).toBe(false);
        expect(await h.store.get(k('a'))).toBeNull();
        await h.store.set(k('b'), 'v', SHORT);
        await h.expire(k('b'), SHORT);
        expect(await h.store.del(k('b'))).toBe(false);
      });
    });

    replaceContract(() => ({ h, k }));
    hitContract(() => ({ h, k }));
    batchContract(() => ({ h, k }));
  });
}
