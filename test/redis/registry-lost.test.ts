import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { SandboxNetwork } from '../../src/network/sandbox.js';
import { SANDBOX_SUBSCRIBERS } from '../../src/sandbox-seed.js';
import { RedisStore } from '../../src/store/redis.js';
import { demoToken, requestDemoToken, simSwapCheck } from '../support/demo-client.js';
import { rawRedis } from '../support/redis.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';

/**
 * Red-team finding F4: Redis restarted without persistence (or flushed) lost the application
 * registry. Once the 30 s registry cache expired, valid tokens got 401 and correct secrets 401
 * invalid_client; each 401 counted as an authentication failure of the caller's address, so
 * every client ended up locked out for 15 minutes. Now the loss is detected (the registry's
 * marker key is gone with it): 503 with Retry-After, nothing counted, an alert logged.
 */

const NO_HANG = { signal: () => AbortSignal.timeout(4000) };
const UNAVAILABLE = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' };
const TEMPORARILY = {
  error: 'temporarily_unavailable',
  error_description: 'service temporarily unavailable',
};
const ALERT = /^APPLICATION REGISTRY LOST/;

type Running = { base: string; deps: Deps; clock: ManualClock; lines: string[]; stop(): Promise<void> };

/** The real platform (node server, RedisStore on the test's own redis-server) on a free port. */
async function startPlatform(redisUrl: string, env: Record<string, string>): Promise<Running> {
  const store = new RedisStore({ url: redisUrl, keyPrefix: 'cg:' });
  await store.connect();
  const clock = new ManualClock();
  const lines: string[] = [];
  const config = parseConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://gateway.test',
    OAUTH_AUTH_FAILURES_PER_IP: '3',
    ...env,
  });
  const deps = await buildDeps(config, {
    store,
    clock,
    logger: createLogger('error', (line) => lines.push(line)),
    network: new SandboxNetwork(SANDBOX_SUBSCRIBERS, clock),
  });
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
    lines,
    async stop() {
      server.closeAllConnections();
      server.close();
      await store.close();
    },
  };
}

const alerts = (lines: string[]) =>
  lines.filter((l) => ALERT.test((JSON.parse(l) as { msg: string }).msg ?? ''));

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function ownRedis(): Promise<OwnRedis> {
  const redis = new OwnRedis(await freePort());
  await redis.start();
  cleanups.push(() => redis.kill());
  return redis;
}

async function flushAll(url: string): Promise<void> {
  const raw = rawRedis(url);
  await raw.connect();
  await raw.flushall();
  raw.disconnect();
}

describe('F4: a store that lost the application registry is unavailable, never 401', () => {
  it('answers 503 with Retry-After, counts no failure and locks nobody out (operator restores)', async () => {
    const redis = await ownRedis();
    // Not the sandbox: the platform does not invent production records, the operator restores them.
    const p = await startPlatform(redis.url, {
      NETWORK_BACKEND: 'http',
      NETWORK_HTTP_URL: 'http://127.0.0.1:9',
      NETWORK_HTTP_TOKEN: 'unused',
    });
    cleanups.push(() => p.stop());
    const accessToken = await demoToken(p.base);
    expect((await simSwapCheck(p.base, accessToken)).status).toBe(200);

    await flushAll(redis.url); // what a restart without persistence does
    p.clock.advance(31_000); // past the registry's in-process cache

    for (let i = 0; i < 3; i++) {
      const res = await simSwapCheck(p.base, accessToken);
      expect([res.status, res.headers.get('Retry-After'), await res.json()]).toEqual([
        503,
        '30',
        UNAVAILABLE,
      ]);
    }
    // The consent routes too (F10: every 503 carries Retry-After, from the one error handler).
    const consents = await fetch(`${p.base}/consents`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: NO_HANG.signal(),
    });
    expect([consents.status, consents.headers.get('Retry-After'), await consents.json()]).toEqual([
      503,
      '30',
      UNAVAILABLE,
    ]);
    const right = await requestDemoToken(p.base);
    expect([right.status, right.headers.get('Retry-After'), await right.json()]).toEqual([
      503,
      '30',
      TEMPORARILY,
    ]);
    // More wrong secrets than the failure budget (3): none is a 401, so none is counted.
    for (let i = 0; i < 6; i++) {
      const wrong = await requestDemoToken(p.base, 'wrong-secret');
      expect([wrong.status, await wrong.json()]).toEqual([503, TEMPORARILY]);
    }
    // One alert for the whole outage, and no line per refused request.
    expect(alerts(p.lines)).toHaveLength(1);
    expect(p.lines.filter((l) => l.includes('request failed'))).toEqual([]);

    // The operator restores the records: the same token and secret work at once (nothing cached).
    await seedSandbox(p.deps);
    expect((await simSwapCheck(p.base, accessToken)).status).toBe(200);
    expect((await requestDemoToken(p.base)).status).toBe(200);
    // No lockout: the whole failure budget is still there (401, not 429), spent only now.
    for (let i = 0; i < 3; i++) {
      const wrong = await requestDemoToken(p.base, 'wrong-secret');
      expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([
        401,
        'invalid_client',
      ]);
    }
    expect((await requestDemoToken(p.base, 'wrong-secret')).status).toBe(429);
  });

  it('an unknown client is still 401 invalid_client while the registry is intact', async () => {
    const redis = await ownRedis();
    const p = await startPlatform(redis.url, {});
    cleanups.push(() => p.stop());
    const res = await fetch(`${p.base}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa('nobody:whatever')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=dpv:FraudPreventionAndDetection%20sim-swap:check',
      signal: NO_HANG.signal(),
    });
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
    expect(alerts(p.lines)).toEqual([]);
  });

  it('the sandbox re-seeds itself: one 503, then the same token and secret work again', async () => {
    const redis = await ownRedis();
    const p = await startPlatform(redis.url, {}); // NETWORK_BACKEND=sandbox, not production
    cleanups.push(() => p.stop());
    const accessToken = await demoToken(p.base);

    await flushAll(redis.url);
    p.clock.advance(31_000);

    const lost = await simSwapCheck(p.base, accessToken);
    expect([lost.status, lost.headers.get('Retry-After'), await lost.json()]).toEqual([
      503,
      '1',
      UNAVAILABLE,
    ]);
    expect(alerts(p.lines)).toHaveLength(1);
    expect((await simSwapCheck(p.base, accessToken)).status).toBe(200);
    expect((await requestDemoToken(p.base)).status).toBe(200);
  });
});
