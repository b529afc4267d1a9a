import type { RateLimitResult, RateLimitRule, StoreOp, StoreReply } from '../../src/store/port.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { MemoryStore } from '../../src/store/memory.js';

type Operation = 'get' | 'set' | 'take' | 'hit';

/**
 * A memory store whose chosen operations fail on demand: `down` (the store cannot be reached:
 * 503 temporarily_unavailable) or `broken` (an unexpected error whose message must not leak: 500).
 */
export class SwitchableStore extends MemoryStore {
  private failure: { mode: 'down' | 'broken'; operations: Operation[] } | undefined;

  fail(mode: 'down' | 'broken', operations: Operation[] = ['get', 'set', 'take', 'hit']): void {
    this.failure = { mode, operations };
  }

  heal(): void {
    this.failure = undefined;
  }

  private check(operation: Operation): void {
    if (this.failure === undefined || !this.failure.operations.includes(operation)) return;
    if (this.failure.mode === 'down') throw new StoreUnavailableError();
    throw new TypeError('internal detail that must not leak');
  }

  override async get(key: string): Promise<string | null> {
    this.check('get');
    return super.get(key);
  }

  override async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.check('set');
    return super.set(key, value, ttlMs);
  }

  override async take(key: string): Promise<string | null> {
    this.check('take');
    return super.take(key);
  }

  override async hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult> {
    this.check('hit');
    return super.hit(key, rules, now);
  }

  /**
   * A batch fails as its operations would: a read and a hit each fail as get() and hit() do; a
   * give-back and a claim never fail, as unhit() and setIfAbsent() do not here.
   */
  override async batch(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    for (const o of ops) if (o.op === 'get' || o.op === 'hit') this.check(o.op);
    return super.batch(ops);
  }
}
