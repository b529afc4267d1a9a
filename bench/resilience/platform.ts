import { serve } from '@hono/node-server';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Plan } from '../../src/ratelimit/plans.js';
import { nodeRuntime } from '../../src/runtime/node.js';
import { RedisStore } from '../../src/store/redis.js';
import { announce, fail } from '../child.js';
import { OUT_OF_REACH_PLAN, nodeTokenDigest } from '../platform-setup.js';
import { FAULT_CONFIG, registerFaultClients } from './register.js';

/**
 * One platform instance on Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), built as
 * src/node.ts builds it, with the applications of the fault and soak runs (register.ts) on plans
 * of its own: one out of reach for `served`, one call a day for `over-quota`.
 */
const ONE_A_DAY: Plan = { ...OUT_OF_REACH_PLAN, quota: { name: 'quota', limit: 1, windowMs: 86_400_000 } };

async function main(): Promise<void> {
  const secret = process.env.FAULT_CLIENT_SECRET;
  if (!secret) throw new Error('FAULT_CLIENT_SECRET is required');
  const config = parseConfig({
    ...FAULT_CONFIG,
    LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
  });
  const logger = createLogger(config.logLevel);
  const store = new RedisStore({
    url: config.redisUrl,
    clusterNodes: config.redisClusterNodes,
    keyPrefix: config.redisKeyPrefix,
  });
  await store.connect();
  await store.ping();
  const deps = await buildDeps(config, {
    store,
    logger,
    tokenDigest: nodeTokenDigest,
  });
  deps.plans = { ...deps.plans, 'out-of-reach': OUT_OF_REACH_PLAN, 'one-a-day': ONE_A_DAY };

  await registerFaultClients(deps, secret, { served: 'out-of-reach', overQuota: 'one-a-day' });

  const app = createApp(deps, { runtime: nodeRuntime });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    announce(info.port, async () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    });
  });
}

main().catch(fail);
