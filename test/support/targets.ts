import { deploymentSecrets } from '../e2e/support/process.js';
import { startConsentServer, type ConsentServer } from '../e2e/support/consent.js';
import { registerClient } from '../e2e/support/oauth.js';
import {
  redisUrl,
  startServer,
  uniquePrefix,
  type E2EServer,
  type Engine,
  type ServerOptions,
} from '../e2e/support/server.js';
import { buildDeps } from '../../src/bootstrap.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { Deps } from '../../src/deps.js';
import type { Store } from '../../src/store/port.js';
import { OPERATOR_ENV } from './consent.js';
import { RunningClock } from './running-clock.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

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

/**
 * The targets where a test can onboard its own application: every one but the Worker on memory,
 * whose applications live in its isolate, out of the test's reach (no onboarding over HTTP).
 * The Worker runs on Redis there, the deployment that matters.
 */
export const ONBOARDING_TARGETS: readonly Target[] = TARGETS.filter(
  (t) => t.runtime === 'node' || t.engine === 'redis',
);

export const targetName = (t: Target) => `${t.runtime}, ${t.engine}`;

/** describe.each rows: the target's name for the title, then the target. */
export const targetRows = (targets: readonly Target[]) => targets.map((t) => [targetName(t), t] as const);

/**
 * The consent platform of test/e2e/support/consent.ts on a target. The Worker runs in its own
 * process, so its `deps` are a twin built from the same configuration (the same keys and secrets:
 * pairwise subjects and configuration read alike; on Redis, the same keys), its `logs` the
 * Worker's JSON log lines, and its clock the wall clock (a test cannot move the Worker's time).
 */
export async function startTarget(target: Target, env: Record<string, string> = {}): Promise<ConsentServer> {
  if (target.runtime === 'node') return startConsentServer(target.engine, env);
  const w = await startWorkerPlatform(target.engine, {
    // Local workerd writes CF-Connecting-IP as the socket peer: 127.0.0.1 plays the edge, as on Node.
    TRUSTED_PROXIES: '127.0.0.1',
    CLIENT_IP_HEADER: 'x-forwarded-for',
    CLIENT_PORT_HEADER: 'x-forwarded-port',
    LOG_LEVEL: 'debug',
    ...OPERATOR_ENV,
    ...env,
  });
  return {
    url: w.url,
    deps: w.deps,
    clock: w.clock,
    get logs() {
      return jsonLines(w.worker.output());
    },
    loggedWith: async (text) => jsonLines(await w.worker.outputWith(text)),
    close: w.close,
  };
}

/** The Worker in a local workerd with its test-side twin: the same configuration, on Redis the same keys. */
export type WorkerPlatform = {
  url: string;
  /** Built from the Worker's configuration in this process (keys and secrets alike). */
  deps: Deps;
  /** On Redis, the Worker's own data (same key prefix); on memory, an empty store of the twin's. */
  store: Store;
  clock: WorkerClock;
  worker: WorkerProcess;
  close(): Promise<void>;
};

/**
 * Starts the Worker (wrangler dev) on `engine` with `env` over the test deployment's settings
 * (NODE_ENV test, PUBLIC_URL its own address, shared signing keys and token secret) and builds its
 * twin. On Redis the twin reads and writes the Worker's data: a test can onboard an application
 * there that the Worker then serves. On memory the Worker's data live in its isolate only.
 */
export async function startWorkerPlatform(
  engine: Engine,
  env: Record<string, string> = {},
): Promise<WorkerPlatform> {
  const secrets = await deploymentSecrets();
  const storeEnv: Record<string, string> =
    engine === 'redis' ? { REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: uniquePrefix() } : {};
  const envAt = (url: string): Record<string, string> => ({
    NODE_ENV: 'test',
    PUBLIC_URL: url,
    ...secrets,
    ...storeEnv,
    ...env,
  });
  const worker = await startWorker(envAt);
  const url = worker.url;
  const workerEnv = envAt(url);
  const config = parseConfig(workerEnv);
  let store: Store;
  if (engine === 'redis') {
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
    store,
    clock,
    worker,
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
export class WorkerClock extends RunningClock {
  override advance(): void {}
}

/**
 * test/e2e/support/server.ts's platform with its onboarded test application, on a target of
 * ONBOARDING_TARGETS. On Node the platform runs on `clock` (a RunningClock a test may move); on
 * the Worker the application is written through the twin into the Worker's Redis, and the clock
 * is the Worker's wall clock, which nobody moves.
 */
export async function startServerOn(
  target: Target,
  options: Pick<ServerOptions, 'env' | 'client' | 'keyPrefix' | 'publicUrl'> = {},
): Promise<E2EServer & { clock: RunningClock }> {
  if (target.runtime === 'node') {
    const clock = new RunningClock();
    return { ...(await startServer({ ...options, engine: target.engine, clock })), clock };
  }
  if (target.engine !== 'redis') throw new Error('a test can onboard on the Worker only through Redis');
  if (options.keyPrefix !== undefined || options.publicUrl !== undefined)
    throw new Error('the Worker target is one deployment of its own');
  const w = await startWorkerPlatform(target.engine, options.env);
  return { ...w, client: await registerClient(w.deps, options.client) };
}

/** The Worker's JSON log lines among wrangler's own output. */
const jsonLines = (output: string) => output.split('\n').filter((line) => line.startsWith('{'));
