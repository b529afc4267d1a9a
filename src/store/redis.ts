import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.js';
import {
  checkRules,
  checkTtl,
  counterKey,
  StoreUnavailableError,
  toResult,
  windowOf,
  type RateLimitResult,
  type RateLimitRule,
  type Store,
  type StoreOp,
  type StoreReply,
} from './port.js';
import { BATCH, HIT, TAKE, UNHIT } from './redis-scripts.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Script = { source: string; sha: string };

const script = (source: string): Script => ({ source, sha: sha1(source) });

export type RedisStoreOptions = {
  url: string;
  keyPrefix: string;
  /** Upper bound of one command, for a server that accepts connections but does not answer. */
  commandTimeoutMs?: number;
  logger?: Logger;
  /**
   * A connection that lives for one request (a Worker's, DESIGN §3): no script preload (EVALSHA
   * falls back to EVAL, which caches the script on the server) and no reconnection, so that a
   * request pays one connection and nothing outlives it.
   */
  perRequest?: boolean;
};

/**
 * The shared engine. Fails fast while Redis is down (no offline queue, no retry of a command
 * whose connection broke, bounded command time) so that the platform answers 503 at once instead
 * of hanging, and reconnects by itself. Keys carry `keyPrefix`, script keys included.
 */
export class RedisStore implements Store {
  readonly client: Redis;
  readonly scripts = {
    hit: script(HIT),
    take: script(TAKE),
    batch: script(BATCH),
    unhit: script(UNHIT),
  };
  private scriptsLoaded: Promise<void> = Promise.resolve();
  private down = false;

  constructor(options: RedisStoreOptions) {
    const redisOptions: RedisOptions = {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      lazyConnect: true,
      // Commands of concurrent calls issued in the same turn share a write. The hot path does not
      // depend on it: its reads and its hit are one command of their own (batch()).
      enableAutoPipelining: true,
      retryStrategy: options.perRequest ? () => null : (times) => Math.min(100 * times, 1000),
    };
    this.client = new Redis(options.url, redisOptions);
    const log = options.logger;
    // Connection errors surface per command as 503; the client keeps reconnecting. One log line
    // per outage, not one per reconnection attempt.
    this.client.on('error', (error: Error) => {
      if (!this.down) log?.warn('redis unavailable', { error: error.message });
      this.down = true;
    });
    // Every (re)connection may reach a server with an empty script cache (restart, failover).
    this.client.on('ready', () => {
      if (this.down) log?.info('redis available again');
      this.down = false;
      if (!options.perRequest) this.scriptsLoaded = this.loadScripts().catch(() => {});
    });
  }

  /** Connects and loads the scripts. Tolerates a server that is down at start. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch {
      // Not reachable yet: commands answer 503 until it is; ioredis keeps retrying.
    }
    await this.scriptsLoaded;
  }

  private async loadScripts(): Promise<void> {
    for (const s of Object.values(this.scripts)) await this.client.script('LOAD', s.source);
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  /** EVALSHA; on NOSCRIPT (restart, SCRIPT FLUSH) EVAL, which also puts the script back in the cache. */
  private async evalScript(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.run(async () => {
      try {
        return await this.client.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.client.eval(s.source, keys.length, ...keys, ...args);
      }
    });
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(key));
  }

  /** One script (BATCH): every read and hit of the batch in one command, one round trip. */
  async batch(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    if (ops.length === 0) return [];
    const keys: string[] = [];
    const args: (string | number)[] = [ops.length];
    for (const o of ops) {
      if (o.op === 'get') {
        keys.push(o.key);
        args.push('get');
        continue;
      }
      checkRules(o.rules, o.now);
      args.push('hit', o.rules.length);
      for (const rule of o.rules) {
        const w = windowOf(rule, o.now);
        keys.push(counterKey(o.key, rule, w.index));
        args.push(rule.limit, w.resetMs);
      }
    }
    const out = (await this.evalScript(this.scripts.batch, keys, args)) as (string | number | null)[];
    let at = 0;
    return ops.map((o) => {
      if (o.op === 'get') return (out[at++] as string | null) ?? null;
      const [exceeded = 0, ...counts] = out.slice(at, at + o.rules.length + 1).map(Number);
      at += o.rules.length + 1;
      return toResult(o.rules, counts, exceeded === 0, o.now);
    });
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs);
    await this.run(async () => {
      if (ttlMs === undefined) await this.client.set(key, value);
      else if (ttlMs <= 0) await this.client.del(key);
      else await this.client.set(key, value, 'PX', Math.ceil(ttlMs));
    });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    // An already expired claim succeeds when the key is absent and keeps nothing (as in memory).
    if (ttlMs <= 0) return (await this.run(() => this.client.exists(key))) === 0;
    const ok = await this.run(() => this.client.set(key, value, 'PX', Math.ceil(ttlMs), 'NX'));
    return ok === 'OK';
  }

  async take(key: string): Promise<string | null> {
    return (await this.evalScript(this.scripts.take, [key], [])) as string | null;
  }

  async del(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(key))) > 0;
  }

  async hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult> {
    checkRules(rules, now);
    const keys: string[] = [];
    const args: number[] = [];
    for (const rule of rules) {
      const w = windowOf(rule, now);
      keys.push(counterKey(key, rule, w.index));
      args.push(rule.limit, w.resetMs);
    }
    const out = (await this.evalScript(this.scripts.hit, keys, args)) as number[];
    const [exceeded = 0, ...counts] = out.map(Number);
    return toResult(rules, counts, exceeded === 0, now);
  }

  async unhit(key: string, rules: readonly RateLimitRule[], now: number): Promise<void> {
    checkRules(rules, now);
    const keys = rules.map((rule) => counterKey(key, rule, windowOf(rule, now).index));
    await this.evalScript(this.scripts.unhit, keys, []);
  }

  /** ms left to live (-1 without a TTL, -2 when absent). For tests and diagnostics. */
  async pttl(key: string): Promise<number> {
    return this.run(() => this.client.pttl(key));
  }

  async ping(): Promise<void> {
    await this.run(() => this.client.ping());
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
