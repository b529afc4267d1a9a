import { describe, expect, it } from 'vitest';
import { NotRunError, StoreBatch } from '../../src/store/batch.js';
import type { RateLimitResult, RateLimitRule } from '../../src/store/port.js';
import type { StoreHarness } from './harness.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
// A minute: on Redis a counter lives `resetMs` of real time, far beyond a test.
const BURST: RateLimitRule = { name: 'burst', limit: 2, windowMs: 60_000 };

const allowed = (r: unknown) => (r as RateLimitResult).allowed;

/** Store.batch and the StoreBatch that the resource pipeline fills: one round trip, in order. */
export function batchContract(ctx: () => { h: StoreHarness; k: (name: string) => string }): void {
  describe('batch', () => {
    it('answers reads and hits in order, each operation seeing the ones before it', async () => {
      const { h, k } = ctx();
      await h.store.set(k('a'), 'one');
      const replies = await h.store.batch([
        { op: 'get', key: k('a') },
        { op: 'hit', key: k('app'), rules: [BURST], now: T0 },
        { op: 'get', key: k('absent') },
        { op: 'hit', key: k('app'), rules: [BURST], now: T0 },
        { op: 'hit', key: k('app'), rules: [BURST], now: T0 },
        { op: 'hit', key: k('other'), rules: [], now: T0 },
      ]);
      expect(replies[0]).toBe('one');
      expect(replies[2]).toBeNull();
      expect([1, 3, 4, 5].map((i) => allowed(replies[i]))).toEqual([true, true, false, true]);
      expect(replies[4]).toEqual({
        allowed: false,
        exceeded: 'burst',
        states: [{ name: 'burst', limit: 2, windowMs: 60_000, remaining: 0, resetMs: 60_000 }],
      });
      expect(replies[5]).toEqual({ allowed: true, exceeded: undefined, states: [] });
    });

    it('counts its hits on the same counters as hit()', async () => {
      const { h, k } = ctx();
      await h.store.batch([{ op: 'hit', key: k('app'), rules: [BURST], now: T0 }]);
      expect(allowed(await h.store.hit(k('app'), [BURST], T0))).toBe(true);
      const [third] = await h.store.batch([{ op: 'hit', key: k('app'), rules: [BURST], now: T0 }]);
      expect(allowed(third)).toBe(false);
    });

    it('answers an empty batch with no replies', async () => {
      expect(await ctx().h.store.batch([])).toEqual([]);
    });

    it('rejects invalid rules with a TypeError before running anything', async () => {
      const { h, k } = ctx();
      const bad = { name: 'bad', limit: Number.NaN, windowMs: 1000 };
      await expect(
        h.store.batch([
          { op: 'hit', key: k('app'), rules: [BURST], now: T0 },
          { op: 'hit', key: k('app'), rules: [bad], now: T0 },
        ]),
      ).rejects.toBeInstanceOf(TypeError);
      const after = await h.store.hit(k('app'), [BURST], T0);
      expect(after.states[0]?.remaining).toBe(1); // the first hit of the refused batch never ran
    });

    it('gives back a hit as unhit() does, on the same counters', async () => {
      const { h, k } = ctx();
      await h.store.hit(k('ip'), [BURST], T0);
      await h.store.hit(k('ip'), [BURST], T0);
      const replies = await h.store.batch([
        { op: 'unhit', key: k('ip'), rules: [BURST], now: T0 },
        { op: 'hit', key: k('ip'), rules: [BURST], now: T0 },
        { op: 'hit', key: k('ip'), rules: [BURST], now: T0 },
        { op: 'unhit', key: k('never-hit'), rules: [BURST], now: T0 },
      ]);
      expect(replies[0]).toBeNull();
      expect([1, 2].map((i) => allowed(replies[i]))).toEqual([true, false]);
      expect(replies[3]).toBeNull();
      // Never below zero: a give-back without a hit leaves the budget whole.
      expect((await h.store.hit(k('never-hit'), [BURST], T0)).states[0]?.remaining).toBe(1);
    });

    it('claims a single-use value as setIfAbsent() does, with its TTL', async () => {
      const { h, k } = ctx();
      const [claimed, read] = await h.store.batch([
        { op: 'claim', key: k('jti'), value: '1', ttlMs: 60_000 },
        { op: 'get', key: k('jti') },
      ]);
      expect(claimed).toBe(true);
      expect(read).toBe('1');
      expect(Math.abs((await h.pttl(k('jti'))) - 60_000)).toBeLessThanOrEqual(h.ttlSlackMs);
      expect(await h.store.setIfAbsent(k('jti'), '2', 60_000)).toBe(false);
    });

    it('a claim with an expired TTL succeeds when absent and keeps nothing', async () => {
      const { h, k } = ctx();
      expect(await h.store.batch([{ op: 'claim', key: k('late'), value: '1', ttlMs: 0 }])).toEqual([true]);
      expect(await h.store.get(k('late'))).toBeNull();
      await h.store.set(k('taken'), 'x');
      expect(await h.store.batch([{ op: 'claim', key: k('taken'), value: '1', ttlMs: -5 }])).toEqual([false]);
    });

    it('a refused claim ends the batch: nothing after it runs, the replies stop with its false', async () => {
      const { h, k } = ctx();
      await h.store.set(k('jti'), 'used', 60_000);
      await h.store.hit(k('ip'), [BURST], T0);
      const replies = await h.store.batch([
        { op: 'get', key: k('jti') },
        { op: 'claim', key: k('jti'), value: '1', ttlMs: 60_000 },
        { op: 'hit', key: k('client'), rules: [BURST], now: T0 },
        { op: 'unhit', key: k('ip'), rules: [BURST], now: T0 },
      ]);
      expect(replies).toEqual(['used', false]);
      expect(await h.store.get(k('jti'))).toBe('used');
      // Neither the charge nor the give-back ran.
      expect((await h.store.hit(k('client'), [BURST], T0)).states[0]?.remaining).toBe(1);
      expect((await h.store.hit(k('ip'), [BURST], T0)).allowed).toBe(true);
      expect((await h.store.hit(k('ip'), [BURST], T0)).allowed).toBe(false);
    });

    it('rejects a claim with a NaN TTL with a TypeError before running anything', async () => {
      const { h, k } = ctx();
      await expect(
        h.store.batch([
          { op: 'hit', key: k('app'), rules: [BURST], now: T0 },
          { op: 'claim', key: k('jti'), value: '1', ttlMs: Number.NaN },
        ]),
      ).rejects.toBeInstanceOf(TypeError);
      expect((await h.store.hit(k('app'), [BURST], T0)).states[0]?.remaining).toBe(1);
      expect(await h.store.get(k('jti'))).toBeNull();
    });

    it('StoreBatch: the operations after a refused claim reject with NotRunError', async () => {
      const { h, k } = ctx();
      await h.store.set(k('jti'), 'used', 60_000);
      const batch = new StoreBatch(h.store);
      const claim = batch.claim(k('jti'), '1', 60_000);
      const charge = batch.hit(k('client'), [BURST], T0);
      const giveBack = batch.unhit(k('ip'), [BURST], T0);
      await batch.exec();
      expect(await claim).toBe(false);
      await expect(charge).rejects.toBeInstanceOf(NotRunError);
      await expect(giveBack).rejects.toThrow(/not run, a claim before it was refused/);
    });

    it('StoreBatch: replies to what each step added, after one exec', async () => {
      const { h, k } = ctx();
      await h.store.set(k('revoked'), '1');
      const batch = new StoreBatch(h.store);
      const revoked = batch.get(k('revoked'));
      const hit = batch.hit(k('app'), [BURST], T0);
      const absent = batch.get(k('absent'));
      await batch.exec();
      expect(await revoked).toBe('1');
      expect((await hit).allowed).toBe(true);
      expect(await absent).toBeNull();
      expect(() => batch.get(k('late'))).toThrow(/already sent/);
      await expect(batch.exec()).rejects.toThrow(/already sent/);
    });
  });
}
