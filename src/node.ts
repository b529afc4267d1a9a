import nodeCrypto, { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { answerUnparsed, applyLimits, Drain, serverOptions } from './node-server.js';
import { createApp } from './app.js';
import { buildDeps, seedSandbox } from './bootstrap.js';
import { ConfigError, parseConfig } from './config.js';
import type { Deps } from './deps.js';
import { checkDeployment } from './deployment-fingerprint.js';
import { nodeJwksFetch } from './runtime/node-jwks-fetch.js';
import { nodeRuntime } from './runtime/node.js';
import { MemoryStore } from './store/memory.js';
import { RedisStore } from './store/redis.js';
import { systemClock } from './clock.js';
import { createLogger, type Logger } from './log.js';
import { metricsListenerApp } from './metrics/index.js';
import { demoCredentialsText, servesSandbox } from './sandbox-seed.js';

/** Node entry: configuration → dependencies → HTTP server, with graceful shutdown. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(withFiles(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  let store;
  const redis = config.redisClusterNodes ? 'redis-cluster' : config.redisUrl ? 'redis' : undefined;
  if (redis !== undefined) {
    store = new RedisStore({
      url: config.redisUrl,
      clusterNodes: config.redisClusterNodes,
      clusterConnection: config.redisClusterConnection,
      keyPrefix: config.redisKeyPrefix,
    });
    await store.connect();
    await exitUnlessReachable(store, redis, createLogger(config.logLevel));
  } else {
    store = new MemoryStore(systemClock);
  }
  const deps = await buildDeps(config, { store, logger, tokenDigest: sha256Hex, jwksFetch: nodeJwksFetch() });
  const log = deps.logger;
  if (!config.signingKeys) {
    log.warn(
      'EPHEMERAL SIGNING KEY: tokens are signed with a key generated at start and die with this process. Set SIGNING_KEYS in production.',
    );
  }
  if (!config.tokenSecret) log.warn('EPHEMERAL TOKEN_SECRET: set TOKEN_SECRET in production.');
  if (!config.pseudonymKeys) {
    log.warn('EPHEMERAL PSEUDONYM KEY: consent records become unreachable at restart. Set PSEUDONYM_KEYS.');
  }
  if (!config.purposeRegistry) log.warn('Using the sandbox purpose registry: set PURPOSE_REGISTRY(_FILE).');
  if (servesSandbox(config)) await seedSandbox(deps);
  await checkPeers(deps);

  // Listening before the API does: a scraper never finds the API up and its metrics missing.
  const metricsServer = config.metrics.port === undefined ? undefined : await listenMetrics(deps);
  const app = createApp(deps, { runtime: nodeRuntime });
  const server = serve(
    {
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: serverOptions(config.connections),
    },
    (info) => {
      if (servesSandbox(config)) printDemoCredentials(config.publicUrl);
      log.info('camara-gateway listening', {
        url: config.publicUrl,
        address: `${info.address}:${info.port}`,
        store: redis ?? 'memory',
        network: config.networkBackend,
      });
    },
  ) as Server;
  exitUnlessListening(server, `${config.host}:${config.port}`, log);
  applyLimits(server, config.connections);
  answerUnparsed(server);
  const drain = new Drain(server);
  let dropped = 0;
  server.on('drop', () => {
    // Logged once per burst, not per connection: a flood must not flood the log too.
    if (dropped++ === 0) {
      log.warn('MAX_CONNECTIONS reached: refusing new connections', {
        max: config.connections.maxConnections,
      });
      setTimeout(() => (dropped = 0), 10_000).unref();
    }
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, inFlight: drain.inFlight });
    // Stop accepting; requests that have arrived finish, each connection closing after its
    // response; then close the store. Past the grace, what is still in flight is cut.
    const force = setTimeout(() => {
      log.error('shutdown grace ran out: in-flight requests cut', {
        graceMs: config.shutdownGraceMs,
        requestsCut: drain.inFlight,
      });
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    await drain.stop(Math.min(1000, config.connections.keepAliveTimeoutSeconds * 1000));
    metricsServer?.closeAllConnections();
    await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
    await store.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * Many instances on one Redis must share their keys and issuer (README "Many instances"): a misfit
 * is logged at its start, named by setting. Not refused: see checkDeployment.
 */
async function checkPeers(deps: Deps): Promise<void> {
  if (!deps.config.redisUrl) return; // the memory store has no peers
  await checkDeployment(deps, `${hostname()}:${process.pid}`);
}

/**
 * The metrics listener (METRICS_PORT): `GET /metrics` only, on its own address, so that the
 * scraper's network reaches no API and the API's callers no metrics.
 */
function listenMetrics(deps: Deps): Promise<Server> {
  const { port, host } = deps.config.metrics;
  return new Promise((resolve) => {
    const server = serve({ fetch: metricsListenerApp(deps.metrics).fetch, port, hostname: host }, (info) => {
      deps.logger.info('metrics listening', { address: `${info.address}:${info.port}` });
      resolve(server as Server);
    });
    exitUnlessListening(server as Server, `${host}:${port}`, deps.logger);
  });
}

/**
 * The start reads and writes the store (the deployment's fingerprint, the sandbox's seed): a store
 * that refuses this process (a wrong password or user, a certificate refused, nothing listening)
 * is said in one log line, the driver's reason, and the process exits 1 for its supervisor to
 * restart it. Never a stack trace; never the credentials (the reasons do not carry them).
 */
async function exitUnlessReachable(store: RedisStore, kind: string, log: Logger): Promise<void> {
  try {
    await store.ping();
  } catch (error) {
    log.error('cannot reach Redis at start', {
      store: kind,
      reason: (await store.whyUnreachable()) ?? (error instanceof Error ? error.message : String(error)),
    });
    await store.close();
    process.exit(1);
  }
}

/** A port already taken (or not ours to bind) is said in one log line, and the process exits 1. */
function exitUnlessListening(server: Server, address: string, log: Logger): void {
  server.once('error', (error: NodeJS.ErrnoException) => {
    if (server.listening) throw error;
    log.error('cannot listen', { address, reason: error.code ?? error.message });
    process.exit(1);
  });
}

/** PURPOSE_REGISTRY_FILE: the registry as a JSON file; config.ts then reads it as PURPOSE_REGISTRY. */
function withFiles(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const file = env.PURPOSE_REGISTRY_FILE;
  if (file === undefined || file === '' || env.PURPOSE_REGISTRY) return env;
  try {
    return { ...env, PURPOSE_REGISTRY: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new ConfigError([`PURPOSE_REGISTRY_FILE: cannot read ${file} (${(error as Error).message})`]);
  }
}

/**
 * The token cache key on Node: the one-shot crypto.hash (Node ≥ 20.12) digests a 1 KB token in
 * about 1 µs, the platform's pure-JS SHA-256 (src/hash.ts) in 7 (bench/digest.ts), and this runs
 * on every call. Same output, so the same cache (test/unit/token-digest.test.ts).
 */
const sha256Hex: (text: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (text) => nodeCrypto.hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');

function printDemoCredentials(url: string): void {
  const text = demoCredentialsText(url);
  if (text !== undefined) console.log(text);
}

void main();
