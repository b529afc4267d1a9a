import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { applicationKeys } from '../../src/store/keys.js';
import type { ClusterSeed } from '../../src/store/redis-client.js';
import { RedisStore } from '../../src/store/redis.js';
import { DEMO } from '../support/app.js';
import { demoToken, simSwapCheck } from '../support/demo-client.js';
import { OwnRedisCluster, rawCluster, slotOf } from '../support/redis-cluster.js';

const UNAVAILABLE = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' };

/** The real platform (node server, RedisStore on a cluster, sandbox) on a free port. */
async function startPlatform(clusterNodes: ClusterSeed[]): Promise<{ base: string; stop(): Promise<void> }> {
  // A long command timeout: the 503s below come from the dead node's refused connection.
  const store = new RedisStore({ clusterNodes, keyPrefix: 'cg:', commandTimeoutMs: 10_000 });
  await store.connect();
  const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
  const deps = await buildDeps(config, { store, clock: new ManualClock(), logger: silentLogger });
  await seedSandbox(deps);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      server.close();
      await store.close();
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('Redis Cluster: a master down fails closed', () => {
  it('serves a protected SIM Swap call, then answers 503 UNAVAILABLE once the master of its keys is killed', async () => {
    const cluster = new OwnRedisCluster();
    cleanups.push(() => cluster.stop());
    await cluster.start();
    const p = await startPlatform(cluster.seeds);
    cleanups.push(() => p.stop());

    const accessToken = await demoToken(p.base);
    const ok = await simSwapCheck(p.base, accessToken);
    expect([ok.status, await ok.json()]).toEqual([200, { swapped: true }]);
    expect(ok.headers.get('RateLimit')).toBe('"burst";r=19;t=1, "quota";r=4999;t=43200');

    // The master holding the application's slot: its limiter counters and its revocations.
    const raw = rawCluster(cluster.seeds);
    await raw.connect();
    const slot = await slotOf(raw, applicationKeys.limiter(DEMO.clientId));
    raw.disconnect();
    const owner = await cluster.nodeOfSlot(slot);
    await owner.kill();

    for (let i = 0; i < 3; i++) {
      const res = await simSwapCheck(p.base, accessToken);
      // Never a 200 that skipped the limit or the consent check, never a 500.
      expect([res.status, await res.json(), res.headers.get('RateLimit')]).toEqual([503, UNAVAILABLE, null]);
      expect(res.headers.get('Retry-After')).toBe('1');
    }
  });
});
