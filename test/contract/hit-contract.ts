import { describe, expect, it } from 'vitest';
import { counterKey, windowOf, type RateLimitRule } from '../../src/store/port.js';
import type { StoreHarness } from './harness.js';

/** 12:00:00 UTC: a minute and an hour boundary, 12 h before the day window resets. */
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const HALF_DAY = 43_200_000;
// Windows of a minute or more: on Redis a counter lives `resetMs` of real time, far beyond a test.
const BURST: RateLimitRule = { name: 'burst', limit: 3, windowMs: 60_000 };
const QUOTA: RateLimitRule = { name: 'quota', limit: 5, windowMs: 86_400_000 };
const RULES = [BURST, QUOTA];

const left = (r: { states: { name: string; remaining: number }[] }) =>
  Object.fromEntries(r.states.map((s) => [s.name, s.remaining]));

/** Store.hit: fixed windows, all-or-nothing counting, atomic under concurrency. */
export function hitContract(ctx: () => { h: StoreHarness; k: (name: string) => string }): void {
  describe('hit', () => {
    it('counts each hit against every rule, then refuses naming the rule', async () => {
      const { h, k } = ctx();
      h.clock.set(T0);
      for (const [burst, quota] of [
        [2, 4],
        [1, 3],
        [0, 2],
      ]) {
        const r = await h.store.hit(k('app'), RULES, h.clock.now());
        expect(r.allowed).toBe(true);
        expect(r.exceeded).toBeUndefined();
        expect(left(r)).toEqual({ burst, quota });
      }
      expect(await h.store.hit(k('app'), RULES, h.clock.now())).toEqual({
        allowed: false,
        exceeded: 'burst',
        states: [
          { name: 'burst', limit: 3, windowMs: 60_000, remaining: 0, resetMs: 60_000 },
          { name: 'quota', limit: 5, windowMs: 86_400_000, remaining: 2, resetMs: HALF_DAY },
        ],
      });
    });

    it('moves no counter on a refused hit, and a new window starts afresh', async () => {
      const { h, k } = ctx();
      h.clock.set(T0);
      for (let i = 0; i < 3; i++) await h.store.hit(k('app'), RULES, h.clock.now());
      for (let i = 0; i < 6; i++)
        expect((await h.store.hit(k('app'), RULES, h.clock.now())).allowed).toBe(false);
      h.clock.advance(60_000);
      const r = await h.store.hit(k('app'), RULES, h.clock.now());
      expect(r.allowed).toBe(true);
      expect(left(r)).toEqual({ burst: 2, quota: 1 });
      expect(r.states.map((s) => s.resetMs)).toEqual([60_000, HALF_DAY - 60_000]);
    });

    it('reports the ms left in each window, and the counter lives exactly that long', async () => {
      const { h, k } = ctx();
      h.clock.set(T0 + 12_345);
      const r = await h.store.hit(k('app'), RULES, h.clock.now());
      expect(r.states.map((s) => s.resetMs)).toEqual([47_655, HALF_DAY - 12_345]);
      const now = h.clock.now();
      const ttl = await h.pttl(counterKey(k('app'), BURST, windowOf(BURST, now).index));
      expect(ttl).toBeLessThanOrEqual(47_655);
      expect(ttl).toBeGreaterThanOrEqual(47_655 - h.ttlSlackMs);
    });

    it.each([
      [0.25, 1],
      [1.5, 2],
    ])('reports a whole resetMs ≥ 1 when %s ms of the window remain', async (remainingMs, resetMs) => {
      const { h, k } = ctx();
      const r = await h.store.hit(k('app'), [BURST], T0 + 60_000 - remainingMs);
      expect(r.allowed).toBe(true);
      expect(r.states[0]?.resetMs).toBe(resetMs);
    });

    it.each([[[BURST, { ...QUOTA, limit: 3 }]], [[{ ...QUOTA, limit: 3 }, BURST]]])(
      'names the refusing rule that resets last, whatever the order',
      async (rules) => {
        const { h, k } = ctx();
        h.clock.set(T0);
        for (let i = 0; i < 3; i++) await h.store.hit(k('app'), rules, h.clock.now());
        const r = await h.store.hit(k('app'), rules, h.clock.now());
        expect([r.allowed, r.exceeded]).toEqual([false, 'quota']);
      },
    );

    it('refuses every hit when a limit is 0', async () => {
      const { h, k } = ctx();
      const rules = [{ name: 'off', limit: 0, windowMs: 1000 }];
      const r = await h.store.hit(k('app'), rules, T0);
      expect(r).toEqual({
        allowed: false,
        exceeded: 'off',
        states: [{ name: 'off', limit: 0, windowMs: 1000, remaining: 0, resetMs: 1000 }],
      });
    });

    it('allows a hit against no rule', async () => {
      const { h, k } = ctx();
      expect(await h.store.hit(k('app'), [], T0)).toEqual({ allowed: true, exceeded: undefined, states: [] });
    });

    it.each([
      ['a NaN limit', [{ ...BURST, limit: Number.NaN }], T0],
      ['a negative limit', [{ ...BURST, limit: -1 }], T0],
      ['a fractional limit', [{ ...BURST, limit: 2.5 }], T0],
      ['a zero window', [{ ...BURST, windowMs: 0 }], T0],
      ['a NaN window', [{ ...BURST, windowMs: Number.NaN }], T0],
      ['duplicate rule names', [BURST, { ...QUOTA, name: 'burst' }], T0],
      ['a NaN now', [BURST], Number.NaN],
    ])('rejects %s with a TypeError and counts nothing', async (_, rules, now) => {
      const { h, k } = ctx();
      await expect(h.store.hit(k('app'), rules, now)).rejects.toThrow(TypeError);
      expect(left(await h.store.hit(k('app'), [BURST], T0))).toEqual({ burst: 2 });
    });

    it('keeps separate counters per key', async () => {
      const { h, k } = ctx();
      for (let i = 0; i < 4; i++) await h.store.hit(k('a'), RULES, T0);
      expect(left(await h.store.hit(k('b'), RULES, T0))).toEqual({ burst: 2, quota: 4 });
    });

    it('never lets 50 concurrent hits exceed the limit, nor refused ones consume quota', async () => {
      const { h, k } = ctx();
      const rules = [
        { name: 'burst', limit: 10, windowMs: 60_000 },
        { name: 'quota', limit: 25, windowMs: 86_400_000 },
      ];
      const results = await Promise.all(Array.from({ length: 50 }, () => h.store.hit(k('app'), rules, T0)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      expect(results.filter((r) => r.exceeded === 'burst')).toHaveLength(40);
      expect(left(await h.store.hit(k('app'), rules, T0))).toEqual({ burst: 0, quota: 15 });
    });
  });

  describe('unhit', () => {
    it('gives back one counted hit in the same windows, never below zero', async () => {
      const { h, k } = ctx();
      h.clock.set(T0);
      for (let i = 0; i < 3; i++) await h.store.hit(k('app'), RULES, T0);
      await h.store.unhit(k('app'), RULES, T0);
      expect(left(await h.store.hit(k('app'), RULES, T0))).toEqual({ burst: 0, quota: 2 });
      for (let i = 0; i < 8; i++) await h.store.unhit(k('app'), RULES, T0);
      expect(left(await h.store.hit(k('app'), RULES, T0))).toEqual({ burst: 2, quota: 4 });
    });

    it('keeps the TTL of the counter, and recreates no expired window', async () => {
      const { h, k } = ctx();
      h.clock.set(T0);
      await h.store.hit(k('app'), [BURST], T0);
      await h.store.hit(k('app'), [BURST], T0);
      await h.store.unhit(k('app'), [BURST], T0);
      const key = counterKey(k('app'), BURST, windowOf(BURST, T0).index);
      expect(await h.pttl(key)).toBeGreaterThan(60_000 - 1000 - h.ttlSlackMs);
      expect(await h.pttl(key)).toBeLessThanOrEqual(60_000);
      await h.store.unhit(k('other'), [BURST], T0);
      expect(await h.pttl(counterKey(k('other'), BURST, windowOf(BURST, T0).index))).toBe(-2);
    });

    it('leaves a later window alone: a reservation is given back where it was taken', async () => {
      const { h, k } = ctx();
      h.clock.set(T0);
      await h.store.hit(k('app'), [BURST], T0 + 60_000);
      await h.store.unhit(k('app'), [BURST], T0);
      expect(left(await h.store.hit(k('app'), [BURST], T0 + 60_000))).toEqual({ burst: 1 });
    });

    it('reserve then give back under concurrency: at most the limit pass at once', async () => {
      const { h, k } = ctx();
      const rule = { name: 'failures', limit: 5, windowMs: 60_000 };
      const attempts = await Promise.all(
        Array.from({ length: 30 }, async () => {
          const r = await h.store.hit(k('src'), [rule], T0);
          if (r.allowed) await h.store.unhit(k('src'), [rule], T0);
          return r.allowed;
        }),
      );
      expect(attempts.filter(Boolean).length).toBeGreaterThanOrEqual(5);
      expect(left(await h.store.hit(k('src'), [rule], T0))).toEqual({ failures: 4 });
    });

    it('rejects invalid rules with a TypeError', async () => {
      const { h, k } = ctx();
      await expect(h.store.unhit(k('app'), [{ ...BURST, limit: Number.NaN }], T0)).rejects.toThrow(TypeError);
    });
  });
}
