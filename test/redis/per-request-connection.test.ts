import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import { RedisStore } from '../../src/store/redis.js';
import { freePort, OwnRedis } from '../support/redis-server.js';

/**
 * The Worker's connection (src/worker.ts): one per request, `perRequest`. A frozen Redis (SIGSTOP,
 * a hung host) still completes the TCP handshake in the kernel and then answers nothing, so what
 * bounds the request is the first command's timeout (docs/operations.md). ioredis's commands on
 * connecting (CLIENT SETINFO, the INFO ready check) would each wait their own timeout before it,
 * and cost every Worker call round trips of their own (DESIGN §2: one per call).
 */
describe('per-request Redis connection', () => {
  let own: OwnRedis;
  let raw: Redis;

  beforeAll(async () => {
    own = new OwnRedis(await freePort());
    await own.start();
    raw = new Redis(own.url, { lazyConnect: true });
    await raw.connect();
  });
  afterAll(async () => {
    raw.disconnect();
    await own.kill();
  });

  it('sends the call its commands and nothing before them (no ready check, no CLIENT SETINFO)', async () => {
    await raw.config('RESETSTAT');
    const store = new RedisStore({ url: own.url, keyPrefix: 'per-request:', perRequest: true });
    await store.connect();
    expect(await store.get('absent')).toBeNull();
    await store.close();
    const info = await raw.info('commandstats');
    const commands = [...info.matchAll(/^cmdstat_([^:]+):/gm)]
      .map((m) => m[1])
      .filter((c) => !c?.startsWith('config'));
    expect(commands.sort()).toEqual(['get', 'quit']);
    // A Redis older than 7.2 refuses CLIENT SETINFO: commandstats omit it, errorstats count it.
    expect(await raw.info('errorstats')).not.toMatch(/^errorstat_/m);
  });

  it('on a frozen Redis, the first command fails on its own timeout: 503, not a wait for the socket', async () => {
    own.freeze();
    const store = new RedisStore({
      url: own.url,
      keyPrefix: 'per-request:',
      perRequest: true,
      commandTimeoutMs: 200,
    });
    try {
      await store.connect();
      const failure = await store.get('absent').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect(((failure as StoreUnavailableError).cause as Error).message).toBe('Command timed out');
    } finally {
      own.thaw();
      await store.close();
    }
  });
});
