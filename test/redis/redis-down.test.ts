import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/log.js';
import { RedisStore } from '../../src/store/redis.js';
import { demoToken, requestDemoToken, simSwapCheck } from '../support/demo-client.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';

/** Far below the test timeout: a request that hangs fails the test instead of answering late. */
const UNAVAILABLE = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' };

type Running = { base: string; deps: Deps; clock: ManualClock; stop(): Promise<void> };

/** The real platform (node server, RedisStore, sandbox) on a free port, over a real socket. */
async function startPlatform(redisUrl: string, commandTimeoutMs: number): Promise<Running> {
  const store = new RedisStore({ url: redisUrl, keyPrefix: 'cg:', commandTimeoutMs });
  await store.connect();
  const clock = new ManualClock();
  const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
  const deps = await buildDeps(config, { store, clock, logger: silentLogger });
  await seedSandbox(deps);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    deps,
    clock,
    async stop() {
      server.closeAllConnections();
      server.close();
      await store.close();
    },
  };
}

/** Repeats `attempt` until it answers `status`; bounded, so a platform that never recovers fails. */
async function until(status: number, attempt: () => Promise<Response>): Promise<Response> {
  let last: Response | undefined;
  for (let i = 0; i < 100; i++) {
    last = await attempt();
    if (last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still ${last?.status} after 100 attempts`);
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('Redis down: fail closed, keep serving, recover', () => {
  it('answers 503 while Redis is dead and serves again once it is back', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.kill());
    // A long command timeout: the 503s below come from the fast path (no offline queue), not from it.
    const p = await startPlatform(redis.url, 10_000);
    cleanups.push(() => p.stop());

    // The token endpoint reads the application record from the store: get a token first.
    const accessToken = await demoToken(p.base);
    const ok = await simSwapCheck(p.base, accessToken);
    expect([ok.status, await ok.json()]).toEqual([200, { swapped: true }]);

    await redis.kill();
    for (let i = 0; i < 5; i++) {
      const res = await simSwapCheck(p.base, accessToken);
      // Fail closed: never a 200 that skipped the limit, and no RateLimit headers it cannot know.
      expect([res.status, await res.json(), res.headers.get('RateLimit')]).toEqual([503, UNAVAILABLE, null]);
      expect(res.headers.get('Retry-After')).toBe('1');
    }
    expect((await fetch(`${p.base}/health`)).status).toBe(200);
    const ready = await fetch(`${p.base}/ready`);
    expect([ready.status, ready.headers.get('Retry-After'), await ready.json()]).toEqual([
      503,
      '1',
      UNAVAILABLE,
    ]);

    // Past the registry's 30 s cache the token endpoint needs the store: RFC 6749 §5.2 form.
    p.clock.advance(31_000);
    const refused = await requestDemoToken(p.base);
    expect([refused.status, refused.headers.get('Retry-After'), await refused.json()]).toEqual([
      503,
      '1',
      { error: 'temporarily_unavailable', error_description: 'service temporarily unavailable' },
    ]);

    await redis.start();
    await until(200, () => fetch(`${p.base}/ready`));
    // Redis runs without persistence here: the application records died with it. That is a store
    // that lost its data, never an unknown client (DESIGN §3): 503, not 401. The sandbox writes
    // its demo applications again (test/redis/registry-lost.test.ts: production waits for the
    // operator), so the next call is served.
    const orphan = await simSwapCheck(p.base, accessToken);
    expect([orphan.status, orphan.headers.get('Retry-After'), await orphan.json()]).toEqual([
      503,
      '1',
      UNAVAILABLE,
    ]);
    const back = await until(200, () => simSwapCheck(p.base, accessToken));
    // The counters died too: the quota starts afresh (the limit of a store without persistence).
    expect(back.headers.get('RateLimit')).toBe('"burst";r=19;t=1, "quota";r=4999;t=43169');
    expect((await simSwapCheck(p.base, await demoToken(p.base))).status).toBe(200);
  });

  it('answers 503 within the command timeout while Redis is frozen, then recovers', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(async () => {
      redis.thaw();
      await redis.kill();
    });
    const p = await startPlatform(redis.url, 300);
    cleanups.push(() => p.stop());
    const accessToken = await demoToken(p.base);
    expect((await simSwapCheck(p.base, accessToken)).status).toBe(200);

    redis.freeze(); // connections stay open; nothing answers
    const res = await simSwapCheck(p.base, accessToken);
    expect([res.status, await res.json()]).toEqual([503, UNAVAILABLE]);
    expect((await fetch(`${p.base}/health`)).status).toBe(200);

    redis.thaw();
    p.clock.advance(1000);
    expect((await until(200, () => simSwapCheck(p.base, accessToken))).status).toBe(200);
  });

  // ioredis writes a turn's commands only once the pipeline before them is answered, and counts
  // its timeout from the write: on a frozen server, a call behind another waited both timeouts.
  it('bounds a call waiting behind another on a frozen Redis by its own command timeout', async () => {
    const redis = new OwnRedis(await freePort());
    await redis.start();
    cleanups.push(async () => {
      redis.thaw();
      await redis.kill();
    });
    const timeoutMs = 2000;
    const p = await startPlatform(redis.url, timeoutMs);
    cleanups.push(() => p.stop());
    const accessToken = await demoToken(p.base);
    expect((await simSwapCheck(p.base, accessToken)).status).toBe(200);

    redis.freeze();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const first = simSwapCheck(p.base, accessToken, 10_000);
    await sleep(0.4 * timeoutMs);
    const second = simSwapCheck(p.base, accessToken, 10_000);
    // Thawed after the second call's own timeout, before the first pipeline's end plus a timeout:
    // a call still queued behind the first would be served late instead of refused in time.
    await sleep(1.25 * timeoutMs);
    redis.thaw();
    for (const res of await Promise.all([first, second])) {
      expect([res.status, await res.json()]).toEqual([503, UNAVAILABLE]);
    }
  });
});
