import { createHash } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import {
  checkOps,
  checkRules,
  checkTtl,
  counterKey,
  StoreUnavailableError,
  toResult,
  windowOf,
  type RateLimitResult,
  type RateLimitRule,
  type OutageWatch,
  type Store,
  type StoreOp,
  type StoreReply,
} from './port.js';
import {
  COMMAND_TIMEOUT_MS,
  createRedisClient,
  seedRefusal,
  type RedisClient,
  type RedisClientOptions,
} from './redis-client.js';
import { BATCH, HIT, REPLACE, TAKE, UNHIT } from './redis-scripts.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Script = { source: string; sha: string };

const script = (source: string): Script => ({ source, sha: sha1(source) });

export type RedisStoreOptions = RedisClientOptions;

/**
 * The shared engine, on one Redis server or a Redis Cluster (redis-client.ts). Fails fast while
 * Redis is down so that the platform answers 503 at once instead of hanging, and reconnects by
 * itself. Keys carry `keyPrefix`, script keys included; on a cluster each script's keys share one
 * hash tag (store/keys.ts).
 */
export class RedisStore implements Store {
  readonly client: RedisClient;
  readonly scripts = {
    hit: script(HIT),
    take: script(TAKE),
    batch: script(BATCH),
    unhit: script(UNHIT),
    replace: script(REPLACE),
  };
  private scriptsLoaded: Promise<void> = Promise.resolve();
  private outage: OutageWatch | undefined;
  /** Why the last connection failed (refused, AUTH, TLS), until one is ready again. */
  private connectionError: Error | undefined;

  private readonly commandTimeoutMs: number;

  constructor(private readonly options: RedisStoreOptions) {
    this.client = createRedisClient(options);
    this.commandTimeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    // Connection errors surface per command as 503 and the client keeps reconnecting. They are
    // logged per outage by the refused calls (store/outage-log.ts), not here: a Worker's
    // connection lives one request, and a frozen server raises no connection error at all. The
    // last one is kept: it, not the refused command's own error, says what the operator must fix.
    const remember = (error: unknown) => {
      // Not the connection's: the commands it held, failed after it broke.
      if (error instanceof Error && error.name !== 'MaxRetriesPerRequestError') this.connectionError = error;
    };
    if (this.client instanceof Cluster) {
      // A node's own error (WRONGPASS, a certificate refused) says more than the cluster's
      // "Failed to refresh slots cache", which follows it: the latter only when there is none.
      this.client.on('node error', remember);
      this.client.on('error', (error) => this.connectionError ?? remember(error));
    } else this.client.on('error', remember);
    // Every (re)connection may reach a server with an empty script cache (restart, failover).
    this.client.on('ready', () => {
      this.connectionError = undefined;
      if (!options.perRequest) this.scriptsLoaded = this.loadScripts().catch(() => {});
    });
  }

  /**
   * Why the store cannot be reached, as the driver said it (`WRONGPASS …`, a certificate
   * refused, `connect ECONNREFUSED …`); on a cluster, as its first seed says it.
   */
  async whyUnreachable(): Promise<string | undefined> {
    const seed = this.client instanceof Cluster ? await seedRefusal(this.options) : undefined;
    const error = seed ?? this.connectionError;
    return error === undefined ? undefined : reasonOf(error);
  }

  /** The outage of the process or isolate: this connection's first success after one ends it. */
  watch(outage: OutageWatch): void {
    this.outage = outage;
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

  /** On a cluster, into every master: a script runs on the master of its keys' slot. */
  private async loadScripts(): Promise<void> {
    const servers = this.client instanceof Redis ? [this.client] : this.client.nodes('master');
    for (const server of servers)
      for (const s of Object.values(this.scripts)) await server.script('LOAD', s.source);
  }

  /**
   * Every command, bounded by the command timeout from the moment the call asks for it. ioredis
   * counts its own timeout from the write, and auto-pipelining writes a turn's commands only once
   * the pipeline before them is answered: on a frozen server a command would wait that pipeline's
   * timeout, then its own. A failure while unconnected says why the connection failed.
   */
  private run<T>(op: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new StoreUnavailableError(new Error('Command timed out'))),
        this.commandTimeoutMs,
      );
      op().then(
        (result) => {
          clearTimeout(deadline);
          // Every command passes here: a boolean read while the store is up.
          if (this.outage?.active === true) this.outage.ended();
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          const unconnected = this.client.status !== 'ready' && this.connectionError !== undefined;
          reject(new StoreUnavailableError(unconnected ? new Error(reasonOf(this.connectionError)) : error));
        },
      );
    });
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

  /**
   * One script (BATCH): every operation of the batch in one command, one round trip. A batch's
   * keys belong to one application, its partner and one subscriber (or one client and one source
   * address), so up to three hash tags (store/keys.ts): on a cluster each operation goes on its
   * own, and ioredis writes the turn's commands once per master.
   */
  async batch(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    if (ops.length === 0) return [];
    checkOps(ops); // nothing runs on a bad rule or TTL
    if (this.client instanceof Cluster) return this.batchOnCluster(ops);
    const keys: string[] = [];
    const args: (string | number)[] = [ops.length];
    for (const o of ops) {
      if (o.op === 'get') {
        keys.push(o.key);
        args.push('get');
      } else if (o.op === 'claim') {
        keys.push(o.key);
        args.push('claim', o.value, o.ttlMs <= 0 ? 0 : Math.ceil(o.ttlMs));
      } else {
        args.push(o.op, o.rules.length);
        for (const rule of o.rules) {
          const w = windowOf(rule, o.now);
          keys.push(counterKey(o.key, rule, w.index));
          if (o.op === 'hit') args.push(rule.limit, w.resetMs);
        }
      }
    }
    const out = (await this.evalScript(this.scripts.batch, keys, args)) as (string | number | null)[];
    const replies: StoreReply[] = [];
    let at = 0;
    for (const o of ops) {
      if (at >= out.length) break; // a refused claim ended the batch
      if (o.op === 'get') replies.push((out[at++] as string | null) ?? null);
      else if (o.op === 'claim') replies.push(Number(out[at++]) === 1);
      else if (o.op === 'unhit') {
        at++;
        replies.push(null);
      } else {
        const [exceeded = 0, ...counts] = out.slice(at, at + o.rules.length + 1).map(Number);
        at += o.rules.length + 1;
        replies.push(toResult(o.rules, counts, exceeded === 0, o.now));
      }
    }
    return replies;
  }

  /** Each operation as its own command; in order when a claim may end the batch. */
  private async batchOnCluster(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    const one = async (o: StoreOp): Promise<StoreReply> => {
      if (o.op === 'get') return this.get(o.key);
      if (o.op === 'hit') return this.hit(o.key, o.rules, o.now);
      if (o.op === 'claim') return this.setIfAbsent(o.key, o.value, o.ttlMs);
      await this.unhit(o.key, o.rules, o.now);
      return null;
    };
    if (!ops.some((o) => o.op === 'claim')) return Promise.all(ops.map(one));
    const replies: StoreReply[] = [];
    for (const o of ops) {
      const reply = await one(o);
      replies.push(reply);
      if (reply === false) break;
    }
    return replies;
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

  /** One script on one key: atomic, and on a cluster it runs on that key's master. */
  async replace(key: string, expected: string | null, value: string): Promise<boolean> {
    const args = expected === null ? ['1', '', value] : ['0', expected, value];
    return Number(await this.evalScript(this.scripts.replace, [key], args)) === 1;
  }

  async take(key: string): Promise<string | null> {
    return (await this.evalScript(this.scripts.take, [key], [])) as string | null;
  }

  async del(key: string): Promise<boolean> {
    return (await this.run(() => this.client.del(key))) > 0;
  }

  async setAdd(key: string, member: string): Promise<boolean> {
    return (await this.run(() => this.client.sadd(key, member))) === 1;
  }

  async setRemove(key: string, member: string): Promise<boolean> {
    return (await this.run(() => this.client.srem(key, member))) === 1;
  }

  async setMembers(key: string): Promise<string[]> {
    // Sorted here, not by SORT: SORT … ALPHA follows the server's locale, this is code unit order.
    return (await this.run(() => this.client.smembers(key))).sort();
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

/**
 * A connection error in one line: Node's TLS errors carry their code (`ERR_TLS_CERT_ALTNAME_INVALID`,
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`), a cluster that no seed answered the last node's error.
 */
function reasonOf(error: Error | undefined): string {
  if (error === undefined) return 'unknown';
  const last = (error as { lastNodeError?: unknown }).lastNodeError;
  const inner = last instanceof Error ? `${error.message} (${reasonOf(last)})` : error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !inner.includes(code) ? `${inner} [${code}]` : inner;
}
