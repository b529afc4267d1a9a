import type { ManualClock } from '../../src/clock.js';
import type { Store } from '../../src/store/port.js';

/** What the store contract needs from an engine under test. */
export type StoreHarness = {
  store: Store;
  /** The caller's clock, whose `now` goes to hit(): windows follow it on every engine. */
  clock: ManualClock;
  /** Redis PTTL semantics: ms left to live, -1 without a TTL, -2 when absent. */
  pttl(key: string): Promise<number>;
  /**
   * Lets the TTL `ttlMs` of `key` run out. Memory: moves the clock by exactly `ttlMs`. Redis:
   * TTLs run on the server's own clock, so this waits, polling PTTL, until the server dropped it.
   */
  expire(key: string, ttlMs: number): Promise<void>;
  /** How far a TTL read back may lag the TTL written (0 on memory: the clock does not move). */
  ttlSlackMs: number;
};

/** Keys unique to one test, so that tests sharing a Redis server never meet. */
export function keyspace(): (name: string) => string {
  const id = crypto.randomUUID().slice(0, 8);
  return (name) => `${id}:${name}`;
}
