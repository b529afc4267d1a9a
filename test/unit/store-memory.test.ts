import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import { storeContract } from '../contract/store-contract.js';

storeContract('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  return {
    store,
    clock,
    pttl: async (key) => store.pttl(key),
    expire: async (_key, ttlMs) => clock.advance(ttlMs),
    ttlSlackMs: 0,
  };
});

describe('MemoryStore', () => {
  it('expires a key exactly at its TTL against the injected clock', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    await store.set('a', 'v', 1000);
    clock.advance(999);
    expect([await store.get('a'), store.pttl('a')]).toEqual(['v', 1]);
    clock.advance(1);
    expect([await store.get('a'), store.pttl('a')]).toEqual([null, -2]);
  });

  it('sweeps expired entries every `sweepEvery` writes, so memory stays bounded', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock, 100);
    for (let i = 0; i < 250; i++) await store.set(`old:${i}`, 'v', 10);
    clock.advance(10);
    for (let i = 0; i < 49; i++) await store.set(`new:${i}`, 'v');
    expect(store.size()).toBe(299);
    await store.set('new:49', 'v'); // the 300th write sweeps
    expect(store.size()).toBe(50);
  });

  it('sweeps rate-limit counters of past windows too', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock, 10);
    const rules = [{ name: 'burst', limit: 5, windowMs: 1000 }];
    for (let i = 0; i < 10; i++) {
      await store.hit(`app:${i}`, rules, clock.now());
      clock.advance(1000);
    }
    // The 10th counter's write swept the 9 of past windows; only the live one is left.
    expect(store.size()).toBe(1);
  });
});
