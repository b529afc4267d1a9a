import { randomBytes } from 'node:crypto';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { RedisStore } from '../../src/store/redis.js';
import { deploymentSecrets } from '../../test/e2e/support/process.js';
import { startWorker } from '../../test/support/worker-process.js';
import { startServer } from '../servers.js';
import { FAULT_CONFIG, registerFaultClients } from './register.js';

/** Where the platform under faults runs: its Redis as REDIS_URL or REDIS_CLUSTER_NODES. */
export type RedisEnv = { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string };

/** One running platform instance: the base URL the load goes to. */
export type Instance = { base: string; stop(): Promise<void> };

export type FaultTarget = {
  name: 'node' | 'worker';
  /** Whether the runtime serves on a Redis Cluster (REDIS_CLUSTER_NODES); else the fault is skipped. */
  cluster: boolean;
  /** Starts one instance on `redis` with the fault applications registered (register.ts). */
  start(redis: RedisEnv, secret: string): Promise<Instance>;
};

const logLevel = process.env.FAULT_LOG_LEVEL ?? 'warn';

/** The Node entry's platform in its own process (platform.ts registers the applications itself). */
const node: FaultTarget = {
  name: 'node',
  cluster: true,
  async start(redis, secret) {
    const server = await startServer('bench/resilience/platform.ts', {
      ...redis,
      FAULT_CLIENT_SECRET: secret,
    });
    return { base: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
  },
};

/**
 * The Worker (src/worker.ts) in a local workerd (wrangler dev, offline), a connection to Redis per
 * request. Its store is the shared Redis: the applications are registered from here through a twin
 * of its deps, built from the same configuration (the same token secret, hence client-secret key,
 * and pseudonym keys, so the opt-out is the one the Worker reads). A Worker serves the default
 * plans only: `premium` is out of reach of the load, `sandbox` has its daily quota spent.
 * src/worker.ts opens REDIS_URL only: no cluster.
 */
const worker: FaultTarget = {
  name: 'worker',
  cluster: false,
  async start(redis, secret) {
    if (!('REDIS_URL' in redis)) throw new Error('the Worker runs on REDIS_URL only');
    const env: Record<string, string> = {
      ...FAULT_CONFIG,
      ...(await deploymentSecrets()),
      PSEUDONYM_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
      NODE_ENV: 'development',
      NETWORK_BACKEND: 'sandbox',
      LOG_LEVEL: logLevel,
      REDIS_URL: redis.REDIS_URL,
    };
    const config = parseConfig(env);
    const store = new RedisStore({ url: redis.REDIS_URL, keyPrefix: config.redisKeyPrefix });
    await store.connect();
    try {
      const deps = await buildDeps(config, { store, logger: silentLogger });
      await registerFaultClients(deps, secret, { served: 'premium', overQuota: 'sandbox' });
    } finally {
      await store.close();
    }
    const running = await startWorker(env);
    return { base: running.url, stop: () => running.stop() };
  },
};

export const FAULT_TARGETS = { node, worker } as const;
