import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.js';

const LONG = 60_000;

/**
 * Store.replace, the compare-and-set of the registries (src/admin/applications.ts, partners.ts):
 * a write that lands only on the value its caller read, so that concurrent edits never undo
 * each other. Part of the store contract (store-contract.ts): every engine runs the same cases.
 */
export function replaceContract(ctx: () => { h: StoreHarness; k: (name: string) => string }): void {
  describe('replace (compare-and-set)', () => {
    it('writes an absent key when null is expected, without a TTL', async () => {
      const { h, k } = ctx();
      expect(await h.store.replace(k('a'), null, 'first')).toBe(true);
      expect(await h.store.get(k('a'))).toBe('first');
      expect(await h.pttl(k('a'))).toBe(-1);
    });

    it('refuses to write over a present key when null is expected', async () => {
      const { h, k } = ctx();
      await h.store.set(k('a'), 'kept');
      expect(await h.store.replace(k('a'), null, 'second')).toBe(false);
      expect(await h.store.get(k('a'))).toBe('kept');
    });

    it('writes when the key holds exactly the expected value', async () => {
      const { h, k } = ctx();
      await h.store.set(k('a'), 'one');
      expect(await h.store.replace(k('a'), 'one', 'two')).toBe(true);
      expect(await h.store.get(k('a'))).toBe('two');
    });

    it('refuses on a mismatch, and keeps the value and its TTL', async () => {
      const { h, k } = ctx();
      await h.store.set(k('a'), 'one', LONG);
      expect(await h.store.replace(k('a'), 'on', 'two')).toBe(false);
      expect(await h.store.replace(k('a'), 'one ', 'two')).toBe(false);
      expect(await h.store.get(k('a'))).toBe('one');
      const ttl = await h.pttl(k('a'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LONG);
    });

    it('refuses when a value is expected and the key is absent', async () => {
      const { h, k } = ctx();
      expect(await h.store.replace(k('a'), 'one', 'two')).toBe(false);
      expect(await h.store.get(k('a'))).toBeNull();
    });

    it('refuses an empty expected value on an absent key (empty is not absent)', async () => {
      const { h, k } = ctx();
      expect(await h.store.replace(k('a'), '', 'two')).toBe(false);
      await h.store.set(k('b'), '');
      expect(await h.store.replace(k('b'), '', 'two')).toBe(true);
      expect(await h.store.get(k('b'))).toBe('two');
    });

    it('drops the TTL of the value it replaces', async () => {
      const { h, k } = ctx();
      await h.store.set(k('a'), 'one', LONG);
      expect(await h.store.replace(k('a'), 'one', 'two')).toBe(true);
      expect(await h.pttl(k('a'))).toBe(-1);
    });

    it('lets exactly one of 20 concurrent replaces from the same value win', async () => {
      const { h, k } = ctx();
      await h.store.set(k('rec'), 'v0');
      const tries = Array.from({ length: 20 }, (_, i) => h.store.replace(k('rec'), 'v0', `v${i + 1}`));
      const results = await Promise.all(tries);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await h.store.get(k('rec'))).toBe(`v${results.indexOf(true) + 1}`);
    });

    it('lets exactly one of 20 concurrent creations (null expected) win', async () => {
      const { h, k } = ctx();
      const tries = Array.from({ length: 20 }, (_, i) => h.store.replace(k('rec'), null, `c${i}`));
      const results = await Promise.all(tries);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await h.store.get(k('rec'))).toBe(`c${results.indexOf(true)}`);
    });
  });
}
