/**
 * The storage port: the only way the platform keeps state. Two engines implement it, memory
 * (the reference, single process) and Redis (shared, atomic Lua scripts); both pass
 * test/contract/store-contract.ts. Keys are plain strings; engines add their own prefix.
 */

import { hashTagOf } from './keys.js';

/** One fixed-window limit: at most `limit` hits per `windowMs`. */
export type RateLimitRule = { name: string; limit: number; windowMs: number };

export type RateLimitState = {
  name: string;
  limit: number;
  windowMs: number;
  remaining: number;
  resetMs: number;
};

export type RateLimitResult = {
  allowed: boolean;
  /** The refusing rule that resets last (see toResult); no counter moves when a hit is refused. */
  exceeded: string | undefined;
  states: RateLimitState[];
};

/**
 * One operation of a batch (Store.batch): a read; a rate-limit hit as `hit()` counts it; the
 * give-back of a hit as `unhit()` does it; a claim of a single-use value as `setIfAbsent()`
 * makes it. A claim that finds its key taken ends the batch: the operations after it do not run.
 */
export type StoreOp =
  | { op: 'get'; key: string }
  | { op: 'hit'; key: string; rules: readonly RateLimitRule[]; now: number }
  | { op: 'unhit'; key: string; rules: readonly RateLimitRule[]; now: number }
  | { op: 'claim'; key: string; value: string; ttlMs: number };

/**
 * The reply to one StoreOp: the value read (null when absent), the hit's result, null for a
 * give-back, whether the claim was made.
 */
export type StoreReply<O extends StoreOp = StoreOp> = O extends { op: 'get' }
  ? string | null
  : O extends { op: 'hit' }
    ? RateLimitResult
    : O extends { op: 'claim' }
      ? boolean
      : null;

export interface Store {
  get(key: string): Promise<string | null>;
  /**
   * Runs the operations in one store round trip, in order, and answers each (replies in the same
   * order): the resource pipeline's reads and its rate-limit hit (DESIGN §2 hot-path budget), the
   * token endpoint's reservation and reads, then its claim, charge and give-back. Each operation
   * is atomic as its single-call form is, and sees the operations before it. A claim refused
   * (key taken) ends the batch: the replies stop with its `false`, nothing after it runs. Invalid
   * rules or TTLs reject the whole batch with a TypeError before anything runs; an outage
   * rejects it whole (503).
   */
  batch(ops: readonly StoreOp[]): Promise<StoreReply[]>;
  /** Writes a value; `ttlMs` bounds its life (no TTL: kept until deleted). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /**
   * Writes only when the key is absent; true when written. For single-use values (jti, codes).
   * A TTL ≤ 0 claims an already expired value: true when absent, and nothing is kept.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Compare-and-set: writes `value` only when the key holds exactly `expected` now (null: the
   * key is absent), in one atomic step; true when written. The value is kept without a TTL: for
   * records edited by read-modify-write (the application and partner registries), so that two
   * concurrent edits cannot undo each other: the one that read a stale copy is refused and reads
   * again. One key per call, so cluster-safe whatever the key's tag.
   */
  replace(key: string, expected: string | null, value: string): Promise<boolean>;
  /** Reads and deletes in one atomic step; null when absent. For single-use grants. */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<boolean>;
  /**
   * Index sets (the admin API's listings): adds `member` to the set at `key`; true when it was new.
   * One key per call, so cluster-safe whatever the key's tag.
   */
  setAdd(key: string, member: string): Promise<boolean>;
  /** Removes `member` from the set at `key`; true when it was there. */
  setRemove(key: string, member: string): Promise<boolean>;
  /** Every member of the set at `key`, sorted (code unit order); empty when absent. */
  setMembers(key: string): Promise<string[]>;
  /**
   * Counts one hit against every rule, atomically: either every counter moves or none does.
   * `now` comes from the caller's clock so that windows are the same on every engine. Invalid
   * rules (see checkRules) reject with a TypeError on every engine.
   */
  hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult>;
  /**
   * Gives back one hit that `hit(key, rules, now)` counted, with the same `now` (so the same
   * windows): each of those counters still alive goes down by one, never below zero, keeping its
   * TTL. For a budget reserved before an outcome is known (the failure limit: reserve, then give
   * back when the attempt succeeded), so that concurrent attempts cannot all pass a read-then-count.
   */
  unhit(key: string, rules: readonly RateLimitRule[], now: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Tells an engine that can fail whom to tell of its first success after an outage
   * (store/outage-log.ts). The memory engine never fails and has none.
   */
  watch?(outage: OutageWatch): void;
}

/** What an engine reads per command (a boolean) and calls once when it answers again. */
export type OutageWatch = { readonly active: boolean; ended(): void };

/** The store cannot be reached. The platform fails closed on it: 503, never a bypass. */
export class StoreUnavailableError extends Error {
  /** The `Retry-After` of the 503: an outage of the connection is usually over within a second. */
  readonly retryAfterSeconds: number;

  constructor(cause?: unknown, retryAfterSeconds = 1) {
    super('store unavailable', { cause });
    this.name = 'StoreUnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Window arithmetic shared by the engines, so that both count in the same windows. `resetMs` is a
 * whole number of ms, at least 1: Redis PEXPIRE takes integers, and a counter must outlive the hit.
 */
export function windowOf(rule: RateLimitRule, now: number): { index: number; resetMs: number } {
  const index = Math.floor(now / rule.windowMs);
  return { index, resetMs: Math.max(1, Math.ceil((index + 1) * rule.windowMs - now)) };
}

/**
 * The counter of one rule in one window. A hit's counters share one Lua script, so one cluster
 * slot: they keep the hash tag of `key` (store/keys.ts), and a key without one becomes the tag.
 */
export function counterKey(key: string, rule: RateLimitRule, index: number): string {
  const tagged = hashTagOf(key) === undefined ? `{${key}}` : key;
  return `rl:${tagged}:${rule.name}:${index}`;
}

/**
 * Rejects rules that no engine can count: a NaN limit would compare false forever (unlimited
 * access), a zero or NaN window has no index. A programming error, never a store outage.
 */
export function checkRules(rules: readonly RateLimitRule[], now: number): void {
  if (!Number.isFinite(now)) throw new TypeError(`rate limit: now must be finite, got ${now}`);
  const names = new Set<string>();
  for (const { name, limit, windowMs } of rules) {
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new TypeError(`rate limit ${name}: limit must be an integer >= 0, got ${limit}`);
    if (!Number.isSafeInteger(windowMs) || windowMs < 1)
      throw new TypeError(`rate limit ${name}: windowMs must be an integer >= 1, got ${windowMs}`);
    if (names.has(name)) throw new TypeError(`rate limit ${name}: rule names must be unique`);
    names.add(name);
  }
}

/** Rejects, before anything runs, the operations of a batch that no engine can run. */
export function checkOps(ops: readonly StoreOp[]): void {
  for (const o of ops) {
    if (o.op === 'hit' || o.op === 'unhit') checkRules(o.rules, o.now);
    else if (o.op === 'claim') checkTtl(o.ttlMs);
  }
}

/** A TTL is a finite number of ms (≤ 0: already expired); NaN would make a key immortal. */
export function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !Number.isFinite(ttlMs))
    throw new TypeError(`store: ttlMs must be finite, got ${ttlMs}`);
}

/**
 * Builds the result from the counts an engine saw. When the hit is refused, `exceeded` names the
 * refusing rule that resets last: the client cannot succeed before then, so Retry-After is its reset.
 */
export function toResult(
  rules: readonly RateLimitRule[],
  counts: readonly number[],
  allowed: boolean,
  now: number,
): RateLimitResult {
  const states = rules.map((rule, i) => ({
    name: rule.name,
    limit: rule.limit,
    windowMs: rule.windowMs,
    remaining: Math.max(0, rule.limit - (counts[i] ?? 0)),
    resetMs: windowOf(rule, now).resetMs,
  }));
  let exceeded: RateLimitState | undefined;
  if (!allowed) {
    for (const s of states)
      if (s.remaining === 0 && (!exceeded || s.resetMs > exceeded.resetMs)) exceeded = s;
  }
  return { allowed, exceeded: exceeded?.name, states };
}
