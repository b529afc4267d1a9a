import type { Redis } from 'ioredis';
import { StoreUnavailableError } from './port.js';

export type Script = { source: string; sha: string };

type Pending<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };
type PendingGet = Pending<string | null> & { key: string };
type PendingHit = Pending<number[]> & { keys: readonly string[]; args: readonly number[] };

/**
 * The reads and rate-limit hits of one turn of the event loop, from every call in progress, sent
 * as two commands: one MGET and one script that runs every hit in order (HIT_MANY). Calls whose
 * requests arrived together share them, instead of three commands per call to build, send and
 * parse, on both sides of the connection (bench/README.md).
 *
 * When the turn's commands leave: the first hit of a turn is sent at once by the store, which
 * opens ioredis's auto-pipeline for the turn (flushed on setImmediate); this batch is flushed on
 * a setImmediate queued before it, so its commands join that same write and a resource call keeps
 * its single round trip. When no auto-pipelined write is pending any more, they leave at once as
 * a pipeline of their own. Either way they are sent after the commands issued before the end of
 * the turn: nothing here reads and writes one key concurrently, and the reads and hits of
 * concurrent calls have no order among themselves. A failure rejects every entry of the batch
 * with StoreUnavailableError (503, fail closed).
 */
export class TurnBatch {
  private gets: PendingGet[] = [];
  private hits: PendingHit[] = [];
  private open = false;
  /** True once the turn's first hit went out on its own. */
  hitSent = false;

  constructor(
    private readonly client: Redis,
    private readonly hitMany: Script,
  ) {}

  /** Starts gathering for this turn (once): the flush is queued before any command of the turn. */
  begin(): void {
    if (this.open) return;
    this.open = true;
    setImmediate(() => this.flush());
  }

  get(key: string): Promise<string | null> {
    this.begin();
    return new Promise((resolve, reject) => this.gets.push({ key, resolve, reject }));
  }

  hit(keys: readonly string[], args: readonly number[]): Promise<number[]> {
    this.begin();
    return new Promise((resolve, reject) => this.hits.push({ keys, args, resolve, reject }));
  }

  private flush(): void {
    const { gets, hits } = this;
    this.gets = [];
    this.hits = [];
    this.open = false;
    this.hitSent = false;
    const commands: (string | number)[][] = [];
    if (gets.length > 0) commands.push(['mget', ...gets.map((g) => g.key)]);
    if (hits.length > 0) commands.push(['evalsha', this.hitMany.sha, ...hitManyArgs(hits)]);
    if (commands.length === 0) return;
    const replies = this.send(commands);
    let next = 0;
    if (gets.length > 0) {
      (replies[next++] as Promise<(string | null)[]>).then(
        (values) => gets.forEach((g, i) => g.resolve(values[i] ?? null)),
        (error: unknown) => failAll(gets, error),
      );
    }
    if (hits.length > 0) {
      (replies[next] as Promise<unknown>)
        .catch((error: unknown) => {
          // NOSCRIPT (restart, SCRIPT FLUSH): EVAL runs it and caches it again.
          if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
          return this.client.call('eval', this.hitMany.source, ...hitManyArgs(hits));
        })
        .then(
          (out) => splitReplies(hits, (out as unknown[]).map(Number)),
          (error: unknown) => failAll(hits, error),
        );
    }
  }

  /** The commands' replies: in the pending auto-pipelined write if there is one, else at once. */
  private send(commands: (string | number)[][]): Promise<unknown>[] {
    if (this.client.autoPipelineQueueSize > 0) {
      return commands.map(([name, ...args]) => this.client.call(name as string, ...args));
    }
    const results = this.client.pipeline(commands).exec();
    return commands.map((_, i) =>
      results.then((all) => {
        const [error, value] = all?.[i] ?? [new Error('no reply'), null];
        if (error) throw error;
        return value;
      }),
    );
  }
}

/** EVALSHA/EVAL arguments of HIT_MANY after the script: numkeys, keys, then ARGV. */
function hitManyArgs(hits: readonly PendingHit[]): (string | number)[] {
  const keys: string[] = [];
  const argv: number[] = [hits.length];
  for (const h of hits) {
    keys.push(...h.keys);
    argv.push(h.keys.length, ...h.args);
  }
  return [keys.length, ...keys, ...argv];
}

function splitReplies(hits: readonly PendingHit[], out: readonly number[]): void {
  let at = 0;
  for (const h of hits) {
    const size = h.keys.length + 1;
    h.resolve(out.slice(at, at + size));
    at += size;
  }
}

function failAll(entries: readonly Pending<never>[], error: unknown): void {
  const failure = new StoreUnavailableError(error);
  for (const e of entries) e.reject(failure);
}
