/**
 * The storage port: the only way the platform keeps state. Two engines implement it, memory
 * (the reference, single process) and Redis (shared, atomic Lua scripts); both pass
 * test/contract/store-contract.ts. Keys are plain strings; engines add their own prefix.
 */

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
  /** The first rule that refused the hit; no counter moves when a hit is refused. */
  exceeded: string | undefined;
  states: RateLimitState[];
};

export interface Store {
  get(key: string): Promise<string | null>;
  /** Writes a value; `ttlMs` bounds its life (no TTL: kept until deleted). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes only when the key is absent; true when written. For single-use values (jti, codes). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one atomic step; null when absent. For single-use grants. */
  take(key: string): Promise<string | null>;
  del(key: string): Promise<boolean>;
  /**
   * Counts one hit against every rule, atomically: either every counter moves or none does.
   * `now` comes from the caller's clock so that windows are the same on every engine.
   */
  hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The store cannot be reached. The platform fails closed on it: 503, never a bypass. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Window arithmetic shared by the engines, so that both count in the same windows. */
export function windowOf(rule: RateLimitRule, now: number): { index: number; resetMs: number } {
  const index = Math.floor(now / rule.windowMs);
  return { index, resetMs: (index + 1) * rule.windowMs - now };
}

export function counterKey(key: string, rule: RateLimitRule, index: number): string {
  return `rl:${key}:${rule.name}:${index}`;
}

export function toResult(
  rules: readonly RateLimitRule[],
  counts: readonly number[],
  exceededIndex: number,
  now: number,
): RateLimitResult {
  return {
    allowed: exceededIndex < 0,
    exceeded: exceededIndex < 0 ? undefined : rules[exceededIndex]?.name,
    states: rules.map((rule, i) => ({
      name: rule.name,
      limit: rule.limit,
      windowMs: rule.windowMs,
      remaining: Math.max(0, rule.limit - (counts[i] ?? 0)),
      resetMs: windowOf(rule, now).resetMs,
    })),
  };
}
