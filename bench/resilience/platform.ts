import nodeCrypto from 'node:crypto';
import { serve } from '@hono/node-server';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Plan } from '../../src/ratelimit/plans.js';
import { nodeRuntime } from '../../src/runtime/node.js';
import { SANDBOX_APPLICATIONS } from '../../src/sandbox-seed.js';
import { RedisStore } from '../../src/store/redis.js';
import { announce, BENCH_ISSUER, fail } from '../child.js';
import { FAULT_CLIENTS, OPTED_OUT_NUMBER, PURPOSE } from './clients.js';

/**
 * One platform instance on Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES), built as
 * src/node.ts builds it, with three applications registered for the fault and soak runs:
 * - `served`: a plan out of reach, so that every refusal it sees comes from the fault;
 * - `over-quota`: a quota of one call a day, spent before the load: each call must get 429;
 * - the served application asking about a subscriber who opted out: each call must get 403.
 * A 200 for either of the last two during a fault means a check was skipped.
 */
const OUT_OF_REACH: Plan = {
  burst: { name: 'burst', limit: 1_000_000_000, windowMs: 1000 },
  quota: { name: 'quota', limit: 1_000_000_000_000, windowMs: 86_400_000 },
};
const ONE_A_DAY: Plan = {
  burst: { name: 'burst', limit: 1_000_000_000, windowMs: 1000 },
  quota: { name: 'quota', limit: 1, windowMs: 86_400_000 },
};

async function main(): Promise<void> {
  const secret = process.env.FAULT_CLIENT_SECRET;
  if (!secret) throw new Error('FAULT_CLIENT_SECRET is required');
  const config = parseConfig({
    PUBLIC_URL: BENCH_ISSUER,
    LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    REDIS_KEY_PREFIX: 'faults:',
    OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1000000',
    OAUTH_ADDRESS_REQUESTS_PER_MINUTE: '1000000',
  });
  const logger = createLogger(config.logLevel);
  const store = new RedisStore({
    url: config.redisUrl,
    clusterNodes: config.redisClusterNodes,
    keyPrefix: config.redisKeyPrefix,
    logger,
  });
  await store.connect();
  await store.ping();
  const deps = await buildDeps(config, {
    store,
    logger,
    tokenDigest: (text) => nodeCrypto.createHash('sha256').update(text).digest('hex'),
  });
  deps.plans = { ...deps.plans, 'out-of-reach': OUT_OF_REACH, 'one-a-day': ONE_A_DAY };

  const demo = SANDBOX_APPLICATIONS.find((a) => a.clientId === 'demo-app');
  if (demo === undefined) throw new Error('the sandbox demo application is missing');
  const { clientSecret: _demoSecret, ...record } = demo;
  void _demoSecret;
  const secretHash = await deps.clientSecrets.hash(secret);
  await deps.applications.put({
    ...record,
    clientId: FAULT_CLIENTS.served,
    name: 'Fault run, served',
    plan: 'out-of-reach',
    secretHash,
  });
  await deps.applications.put({
    ...record,
    clientId: FAULT_CLIENTS.overQuota,
    name: 'Fault run, over quota',
    plan: 'one-a-day',
    secretHash,
  });
  await deps.consentManager.optOut(
    { clientId: FAULT_CLIENTS.served, purpose: PURPOSE, subscriber: OPTED_OUT_NUMBER },
    'operator',
  );

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
