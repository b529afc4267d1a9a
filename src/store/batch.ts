import type { RateLimitResult, RateLimitRule, Store, StoreOp, StoreReply } from './port.js';

/** What a reader of keys needs: the store itself, or a batch that sends its reads later. */
export type StoreReads = Pick<Store, 'get'>;

/** An operation of a batch that a refused claim before it kept from running. */
export class NotRunError extends Error {
  constructor(op: StoreOp) {
    super(`store batch: ${op.op} ${op.key} not run, a claim before it was refused`);
    this.name = 'NotRunError';
  }
}

type Waiting = { resolve(reply: StoreReply): void; reject(error: unknown): void };

/**
 * Operations gathered from several steps and sent once (Store.batch): each step adds what it
 * needs and gets the promise of its reply; exec() sends them all in one round trip (DESIGN §2
 * hot-path budget). Adding after exec() is a programming error: that read would need a round
 * trip of its own.
 */
export class StoreBatch implements StoreReads {
  private readonly ops: StoreOp[] = [];
  private readonly waiting: Waiting[] = [];
  private sent = false;

  constructor(private readonly store: Store) {}

  get(key: string): Promise<string | null> {
    return this.add({ op: 'get', key }) as Promise<string | null>;
  }

  hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult> {
    return this.add({ op: 'hit', key, rules, now }) as Promise<RateLimitResult>;
  }

  unhit(key: string, rules: readonly RateLimitRule[], now: number): Promise<null> {
    return this.add({ op: 'unhit', key, rules, now }) as Promise<null>;
  }

  /**
   * Claims a single-use value (Store.setIfAbsent): true when made. When refused, the operations
   * added after it do not run: their replies reject with NotRunError.
   */
  claim(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.add({ op: 'claim', key, value, ttlMs }) as Promise<boolean>;
  }

  /** Sends every operation added so far; a failure rejects each of their replies and this call. */
  async exec(): Promise<void> {
    if (this.sent) throw new Error('store batch already sent');
    this.sent = true;
    if (this.ops.length === 0) return;
    let replies: StoreReply[];
    try {
      replies = await this.store.batch(this.ops);
    } catch (error) {
      for (const w of this.waiting) w.reject(error);
      throw error;
    }
    this.waiting.forEach((w, i) => {
      if (i < replies.length) w.resolve(replies[i] as StoreReply);
      else w.reject(new NotRunError(this.ops[i] as StoreOp));
    });
  }

  private add(op: StoreOp): Promise<StoreReply> {
    if (this.sent)
      throw new Error(`store batch already sent: ${op.op} ${op.key} would need a round trip of its own`);
    this.ops.push(op);
    const reply = new Promise<StoreReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    reply.catch(() => {}); // a step that stops the call before reading its reply leaves it unread
    return reply;
  }
}
