import { deploymentSecrets } from '../e2e/support/process.js';
import { startConsentServer, type ConsentServer } from '../e2e/support/consent.js';
import { redisUrl, uniquePrefix, type Engine } from '../e2e/support/server.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/port.js';
import { OPERATOR_ENV } from './consent.js';
import { RunningClock } from './running-clock.js';
import { freePort, startWorker } from './worker-process.js';

/**
 * Where a scenario suite runs: the platform on Node (in process, on a real socket) or the Worker
 * in a local workerd (wrangler dev, a child process), each on the memory engine or a real Redis.
 * The suites are written once and run against every target (describe.each(TARGETS)).
 */
export type Target = { runtime: 'node' | 'worker'; engine: Engine };

export const TARGETS: readonly Target[] = [
  { runtime: 'node', engine: 'memory' },
  { runtime: 'node', engine: 'redis' },
  { runtime: 'worker', engine: 'memory' },
  { runtime: 'worker', engine: 'redis' },
];

export const targetName = (t: Target) => `${t.runtime}, ${t.engine}`;

/**
 * The consent platform of test/e2e/support/consent.ts on a target. The Worker runs in its own
 * process, so its `deps` are a twin built from the same configuration (the same keys and secrets:
 * pairwise subjects and configuration read alike; on Redis, the same keys), its `logs` the
 * Worker's JSON log lines, and its clock the wall clock (a test cannot move the Worker's time).
 */
export async function startTarget(target: Target, env: Record<string, string> = {}): Promise<ConsentServer> {
  if (target.runtime === 'node') return startConsentServer(target.engine, env);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const workerEnv: Record<string, string> = {
    NODE_ENV: 'test',
    PUBLIC_URL: url,
    // Local workerd writes CF-Connecting-IP as the socket peer: 127.0.0.1 plays the edge, as on Node.
    TRUSTED_PROXIES: '127.0.0.1',
    CLIENT_IP_HEADER: 'x-forwarded-for',
    CLIENT_PORT_HEADER: 'x-forwarded-port',
    LOG_LEVEL: 'debug',
    ...OPERATOR_ENV,
    ...(await deploymentSecrets()),
    ...(target.engine === 'redis' ? { REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: uniquePrefix() } : {}),
    ...env,
  };
  const worker = await startWorker(workerEnv, port);
  const config = parseConfig(workerEnv);
  let store: Store;
  if (target.engine === 'redis') {
    const redis = new RedisStore({ url: redisUrl(), keyPrefix: config.redisKeyPrefix });
    await redis.connect();
    store = redis;
  } else {
    store = new MemoryStore(new RunningClock());
  }
  const clock = new WorkerClock();
  const deps = await buildDeps(config, { store, clock, logger: silentLogger });
  return {
    url,
    deps,
    clock,
    get logs() {
      return worker
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
    },
    close: async () => {
      await worker.stop();
      await store.close();
    },
  };
}

/**
 * The Worker's time is the wall clock and a test cannot move it: a client clock that followed an
 * advance would sign assertions from the Worker's future.
 */
class WorkerClock extends RunningClock {
  override advance(): void {}
}
