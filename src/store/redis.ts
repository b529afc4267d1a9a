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
} from './port.js';
import { HIT, TAKE } from './redis-scripts.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Script = { source: string; sha: string };
type PendingGet = { key: string; resolve: (value: string | null) => void; reject: (error: unknown) => void };
const script = (source: string): Script => ({ source, sha: sha1(source) });

export type RedisStoreOptions = {
  url: string;
  keyPrefix: string;
  /** Upper bound of one command, for a server that accepts connections but does not answer. */
  commandTimeoutMs?: number;
  logger?: Logger;
};

/**
 * The shared engine. Fails fast while Redis is down (no offline queue, no retry of a command
 * whose connection broke, bounded command time) so that the platform answers 503 at once instead
 * of hanging, and reconnects by itself. Keys carry `keyPrefix`, script keys included.
 */
export class RedisStore implements Store {
  readonly client: Redis;
  readonly scripts = { hit: script(HIT), take: script(TAKE) };
  private scriptsLoaded: Promise<void> = Promise.resolve();
  private down = false;
  private pendingGets: PendingGet[] | undefined;

  constructor(options: RedisStoreOptions) {
    const redisOptions: RedisOptions = {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      lazyConnect: true,
      // Commands issued in the same turn of the event loop leave in one write: the hot path's
      // rate-limit hit and revocation read cost one round trip (DESIGN §2).
      enableAutoPipelining: true,
      retryStrategy: (times) => Math.min(100 * times, 1000),
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
      this.scriptsLoaded = this.loadScripts().catch(() => {});
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

  /**
   * The GETs issued in one turn of the event loop, by every call in progress, leave as one MGET
   * (same replies: every value of this store is a string). A resource call reads the token's
   * revocation and the legal-basis records this way, beside its rate-limit script, and calls
   * arriving together share the command: one command to build, send and parse instead of three
   * per call. The MGET is sent when ioredis sends its auto-pipelined commands (setImmediate), in
   * the same write, so the hot path keeps its single round trip. A GET is thus sent after the
   * commands issued before the end of its turn: nothing here reads and writes one key
   * concurrently, and reads of concurrent calls have no order among themselves. Without
   * auto-pipelining each GET is sent on its own, as every other command is.
   */
  get(key: string): Promise<string | null> {
    if (!this.client.options.enableAutoPipelining) return this.run(() => this.client.get(key));
    return new Promise((resolve, reject) => {
      if (this.pendingGets === undefined) {
        this.pendingGets = [];
        // Queued before the script of the same call (the revocation read comes first), so the
        // MGET joins ioredis's pending auto-pipeline, which flushes on its own setImmediate.
        setImmediate(() => this.flushGets());
      }
      this.pendingGets.push({ key, resolve, reject });
    });
  }

  private flushGets(): void {
    const batch = this.pendingGets ?? [];
    this.pendingGets = undefined;
    const first = batch[0];
    const values: Promise<(string | null)[]> =
      batch.length === 1 && first !== undefined
        ? this.client.get(first.key).then((value) => [value])
        : this.client.mget(batch.map((p) => p.key));
    values.then(
      (replies) => batch.forEach((p, i) => p.resolve(replies[i] ?? null)),
      (error: unknown) => {
        const failure = new StoreUnavailableError(error);
        for (const p of batch) p.reject(failure);
      },
    );
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
