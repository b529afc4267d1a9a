import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, onStore } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError, type Store } from '../../src/store/port.js';
import { RedisStore } from '../../src/store/redis.js';
import { capturingLogger } from '../support/log-lines.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';

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

  it("logs an outage once per isolate: a later request's own connection ends it", async () => {
    // What src/worker.ts builds: the isolate's deps, and each request's deps on its own connection.
    const clock = new ManualClock();
    const { logger, lines } = capturingLogger('info');
    const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
    const deps = await buildDeps(config, { store: new MemoryStore(clock), clock, logger });
    const app = createApp(deps, {
      requestDeps: (c) => onStore(deps, (c.env as { store: Store }).store),
    });
    const ready = async (url: string, correlator: string) => {
      const store = new RedisStore({ url, keyPrefix: 'per-request:', perRequest: true });
      try {
        await store.connect();
        return (await app.request('/ready', { headers: { 'x-correlator': correlator } }, { store })).status;
      } finally {
        await store.close();
      }
    };
    const nobody = `redis://127.0.0.1:${await freePort()}`;

    const refused = [];
    for (let i = 0; i < 5; i++) refused.push(await ready(nobody, `down-${i}`));
    expect(refused).toEqual([503, 503, 503, 503, 503]);
    clock.advance(2_000);
    expect(await ready(own.url, 'back')).toBe(200);
    expect(await ready(own.url, 'after')).toBe(200);
    expect(lines.map(({ time: _time, ...line }) => line)).toEqual([
      {
        level: 'error',
        msg: 'store unavailable',
        correlator: 'down-0',
        method: 'GET',
        path: '/ready',
        error: expect.stringMatching(/^store unavailable: /),
      },
      { level: 'info', msg: 'store available again', downMs: 2_000, refused: 5 },
    ]);
  });
});
