import type { ExecutionContext, Hono } from 'hono';
import { createApp } from './app.js';
import { buildDeps, onStore, seedSandbox } from './bootstrap.js';
import { systemClock } from './clock.js';
import { ConfigError, parseConfig, type Config } from './config.js';
import type { Deps } from './deps.js';
import type { Env } from './http/env.js';
import { unbuiltResponse } from './http/on-error.js';
import { createLogger, type Logger } from './log.js';
import type { Peer } from './runtime/port.js';
import { webRuntime, type WebBindings } from './runtime/web.js';
import { webJwksFetch } from './runtime/web-jwks-fetch.js';
import { servesSandbox } from './sandbox-seed.js';
import { MemoryStore } from './store/memory.js';
import { StoreUnavailableError, type Store } from './store/port.js';
import { RedisStore } from './store/redis.js';

/**
 * Cloudflare Workers entry: the whole platform (authorization server, consent pages, APIs) as one
 * Worker. Configuration comes from the Worker's vars and secrets through the same parseConfig as
 * on Node. Nothing runs at module scope: the platform is built on the first request of an isolate
 * and shared by the next ones; a Redis connection is opened per request and closed after it
 * (ioredis over nodejs_compat sockets does not survive across requests in workerd).
 */

/** The bindings the app sees per request: the peer (runtime/web.ts) and, on Redis, its connection. */
type RequestBindings = WebBindings & { store?: Store };

type Platform = {
  app: Hono<Env>;
  config: Config;
  logger: Logger;
  /** undefined on the memory engine: one store for the isolate (the local demo). */
  openStore: (() => RedisStore) | undefined;
};

/** The isolate's platform, built once from the first request's env; null when misconfigured. */
let platform: Promise<Platform | null> | undefined;

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    platform ??= build(env).catch((error: unknown) => {
      platform = undefined; // a failure that is not the configuration's (a Redis outage): retry later
      throw error;
    });
    let built: Platform | null;
    try {
      built = await platform;
    } catch (error) {
      // Logged by build; the next request tries again.
      if (error instanceof StoreUnavailableError) return unbuiltResponse(request, 'store');
      throw error;
    }
    if (built === null) return unbuiltResponse(request, 'configuration');
    const bindings: RequestBindings = { peer: peerOf(request) };
    if (built.openStore === undefined) return built.app.fetch(request, bindings, ctx);
    const store = built.openStore();
    try {
      await store.connect();
      return await built.app.fetch(request, { ...bindings, store }, ctx);
    } finally {
      ctx.waitUntil(store.close());
    }
  },
};

async function build(env: Record<string, unknown>): Promise<Platform | null> {
  let config: Config;
  try {
    config = parseConfig(stringsOf(env));
    // A Worker opens one connection per request to one server (REDIS_URL). Left unread, a cluster
    // setting would leave the Worker on its isolate's memory: limits and consent per isolate, not
    // the operator's. Refused like any other bad setting.
    if (config.redisClusterNodes !== undefined) {
      throw new ConfigError(['REDIS_CLUSTER_NODES: not supported on Workers, set REDIS_URL (one server)']);
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The operator's log (wrangler tail, Workers Logs) says what is wrong; callers get a 503.
    console.error(error.message);
    return null;
  }
  const logger = createLogger(config.logLevel);
  const redisUrl = config.redisUrl;
  const openStore =
    redisUrl === undefined
      ? undefined
      : () => new RedisStore({ url: redisUrl, keyPrefix: config.redisKeyPrefix, perRequest: true });
  // Redis: the shared deps hold a connection of their own only while the sandbox is seeded; every
  // request then runs on its own connection (requestDeps below).
  const store: Store = openStore?.() ?? new MemoryStore(systemClock);
  let deps: Deps;
  try {
    if (store instanceof RedisStore) await store.connect();
    deps = await buildDeps(config, { store, logger, jwksFetch: webJwksFetch });
    if (servesSandbox(config)) await seedSandbox(deps);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return null;
    }
    // The driver's reason, never the URL (it holds the password).
    if (error instanceof StoreUnavailableError)
      logger.error('cannot reach Redis', { reason: reasonOf(error) });
    throw error;
  } finally {
    if (store instanceof RedisStore) await store.close();
  }
  if (!config.signingKeys) logger.warn('EPHEMERAL SIGNING KEY: set SIGNING_KEYS (wrangler secret put).');
  const app = createApp(deps, {
    runtime: webRuntime,
    requestDeps:
      openStore === undefined
        ? undefined
        : (c) => onStore(deps, (c.env as RequestBindings).store ?? unbound()),
  });
  return { app, config, logger, openStore };
}

function unbound(): never {
  throw new Error('no store bound to this request');
}

/**
 * The caller as Cloudflare's edge saw it: CF-Connecting-IP, which the edge writes on every
 * request (a client's own value is replaced). It plays the TCP peer of the Node entry, so
 * TRUSTED_PROXIES and CLIENT_IP_HEADER apply to it the same way (docs/authorization-server.md).
 */
function peerOf(request: Request): Peer | undefined {
  const ip = request.headers.get('cf-connecting-ip')?.trim();
  return ip ? { ip } : undefined;
}

/** A Worker's env also holds bindings (KV, Durable Objects): the configuration is its strings. */
function stringsOf(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}

const reasonOf = (error: StoreUnavailableError) =>
  error.cause instanceof Error ? error.cause.message : error.message;
