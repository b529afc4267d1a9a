import type { Clock } from '../clock.js';
import {
  checkOps,
  checkRules,
  checkTtl,
  counterKey,
  toResult,
  windowOf,
  type RateLimitResult,
  type RateLimitRule,
  type Store,
  type StoreOp,
  type StoreReply,
} from './port.js';

type Entry = { value: string; expiresAt: number };

/**
 * The reference engine: one process, TTLs honoured against the injected clock. Expired entries
 * are dropped when read and swept every `sweepEvery` writes, so memory stays bounded by the live
 * keys plus at most `sweepEvery` expired ones.
 */
export class MemoryStore implements Store {
  private readonly map = new Map<string, Entry>();
  /** Index sets live beside the values, like Redis sets: no TTL, deleted when emptied. */
  private readonly sets = new Map<string, Set<string>>();
  private writes = 0;
  private readonly sweepEvery: number;

  constructor(
    private readonly clock: Clock,
    sweepEvery = 1000,
  ) {
    this.sweepEvery = Math.max(1, Math.floor(sweepEvery));
  }

  private live(key: string): Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.map.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs: number | undefined): void {
    if (ttlMs !== undefined && ttlMs <= 0) {
      this.map.delete(key);
      return;
    }
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + ttlMs;
    this.map.set(key, { value, expiresAt });
    if (++this.writes % this.sweepEvery === 0) this.sweep();
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.map) if (entry.expiresAt <= now) this.map.delete(key);
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs);
    this.write(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    return this.claim(key, value, ttlMs);
  }

  private claim(key: string, value: string, ttlMs: number): boolean {
    if (this.live(key) !== undefined) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  async replace(key: string, expected: string | null, value: string): Promise<boolean> {
    // Synchronous between the read and the write: nothing interleaves, so it is atomic.
    if ((this.live(key)?.value ?? null) !== expected) return false;
    this.write(key, value, undefined);
    return true;
  }

  async take(key: string): Promise<string | null> {
    const entry = this.live(key);
    if (entry === undefined) return null;
    this.map.delete(key);
    return entry.value;
  }

  async del(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.map.delete(key);
    return existed;
  }

  async setAdd(key: string, member: string): Promise<boolean> {
    const set = this.sets.get(key) ?? new Set<string>();
    this.sets.set(key, set);
    if (set.has(member)) return false;
    set.add(member);
    return true;
  }

  async setRemove(key: string, member: string): Promise<boolean> {
    const set = this.sets.get(key);
    const had = set?.delete(member) ?? false;
    if (set !== undefined && set.size === 0) this.sets.delete(key);
    return had;
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.sets.get(key) ?? [])].sort();
  }

  async batch(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    checkOps(ops);
    // Synchronous: nothing interleaves, so the batch is one atomic step like the Redis script.
    const replies: StoreReply[] = [];
    for (const o of ops) {
      if (o.op === 'get') replies.push(this.live(o.key)?.value ?? null);
      else if (o.op === 'hit') replies.push(this.count(o.key, o.rules, o.now));
      else if (o.op === 'unhit') replies.push(this.giveBack(o.key, o.rules, o.now));
      else {
        const claimed = this.claim(o.key, o.value, o.ttlMs);
        replies.push(claimed);
        if (!claimed) break; // a refused claim ends the batch
      }
    }
    return replies;
  }

  async hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult> {
    checkRules(rules, now);
    return this.count(key, rules, now);
  }

  /** One hit, synchronous: nothing interleaves, so it is atomic like the Redis script. */
  private count(key: string, rules: readonly RateLimitRule[], now: number): RateLimitResult {
    const keys = rules.map((rule) => counterKey(key, rule, windowOf(rule, now).index));
    const counts = keys.map((k) => Number(this.live(k)?.value ?? 0));
    const allowed = rules.every((rule, i) => (counts[i] ?? 0) < rule.limit);
    if (allowed) {
      keys.forEach((k, i) => {
        const next = (counts[i] ?? 0) + 1;
        counts[i] = next;
        const existing = this.live(k);
        // Like INCR: the counter keeps the TTL it got when its window opened.
        if (existing) existing.value = String(next);
        else this.write(k, String(next), windowOf(rules[i] as RateLimitRule, now).resetMs);
      });
    }
    return toResult(rules, counts, allowed, now);
  }

  async unhit(key: string, rules: readonly RateLimitRule[], now: number): Promise<void> {
    checkRules(rules, now);
    this.giveBack(key, rules, now);
  }

  private giveBack(key: string, rules: readonly RateLimitRule[], now: number): null {
    for (const rule of rules) {
      const entry = this.live(counterKey(key, rule, windowOf(rule, now).index));
      // Like DECR on a live key: the TTL stays; an expired window has nothing to give back.
      if (entry !== undefined && Number(entry.value) > 0) entry.value = String(Number(entry.value) - 1);
    }
    return null;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.map.clear();
    this.sets.clear();
  }

  /** Like Redis PTTL: ms left to live, -1 without a TTL, -2 when absent. For tests. */
  pttl(key: string): number {
    const entry = this.live(key);
    if (entry === undefined) return -2;
    return entry.expiresAt === Number.POSITIVE_INFINITY ? -1 : entry.expiresAt - this.clock.now();
  }

  /** Entries held, expired ones not yet swept included; for tests of boundedness. */
  size(): number {
    return this.map.size;
  }
}
