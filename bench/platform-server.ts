import { serve } from '@hono/node-server';
import { createApp } from '../src/app.js';
import { nodeRuntime } from '../src/runtime/node.js';
import { buildDeps } from '../src/bootstrap.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { SANDBOX_APPLICATIONS } from '../src/sandbox-seed.js';
import { MemoryStore } from '../src/store/memory.js';
import type { Store } from '../src/store/port.js';
import { RedisStore } from '../src/store/redis.js';
import { OUT_OF_REACH_PLAN, demoApplicationRecord, nodeTokenDigest } from './platform-setup.js';
import { announce, BENCH_CLIENT_ID, BENCH_ISSUER, BENCH_SIGNED_CLIENT_ID, fail } from './child.js';

/**
 * The platform as production runs it (createApp(buildDeps(...)) behind @hono/node-server), on
 * the store named by BENCH_STORE: `redis` (BENCH_REDIS_URL) or `memory`.
 *
 * The sandbox demo application's plan allows 20 calls a second, which a load test exceeds at
 * once. The benchmark registers its own application, a copy of the demo one on a `bench` plan
 * whose limits are out of reach: the limiter still runs its atomic script on every call (the
 * work being measured) but never refuses one. Its client secret comes from the parent
 * (BENCH_CLIENT_SECRET), which gets its token from the real token endpoint.
 */
async function main(): Promise<void> {
  const secret = process.env.BENCH_CLIENT_SECRET;
  if (!secret) throw new Error('BENCH_CLIENT_SECRET is required');
  // The token endpoint's per-client and per-address limits (600 and 3000 a minute by default)
  // are raised out of reach, as the plan below is: the token-issuance scenarios still pay for
  // every counter, never for a refusal.
  const config = parseConfig({
    PUBLIC_URL: BENCH_ISSUER,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1000000',
    OAUTH_ADDRESS_REQUESTS_PER_MINUTE: '1000000',
  });

  let store: Store;
  if (process.env.BENCH_STORE === 'redis') {
    const url = process.env.BENCH_REDIS_URL;
    if (!url) throw new Error('BENCH_REDIS_URL is required for the redis store');
    // Each platform process has its own key prefix: processes sharing one redis-server would
    // otherwise overwrite each other's application records (secret hashes keyed per process).
    const redis = new RedisStore({ url, keyPrefix: process.env.BENCH_KEY_PREFIX ?? 'bench:' });
    await redis.connect();
    await redis.ping();
    store = redis;
  } else {
    store = new MemoryStore(systemClock);
  }

  const deps = await buildDeps(config, { store, tokenDigest: nodeTokenDigest });
  deps.plans = { ...deps.plans, bench: OUT_OF_REACH_PLAN };
  const record = demoApplicationRecord();
  await deps.applications.put({
    ...record,
    clientId: BENCH_CLIENT_ID,
    name: 'Load benchmark',
    plan: 'bench',
    secretHash: await deps.clientSecrets.hash(secret),
  });
  // The same application for `private_key_jwt`, with the sandbox demo-backend's public key (the
  // sandbox's demo-backend itself only has the JWT-bearer grant).
  const backend = SANDBOX_APPLICATIONS.find((a) => a.clientId === 'demo-backend');
  if (backend?.jwks === undefined)
    throw new Error('the sandbox demo-backend application or its key is missing');
  await deps.applications.put({
    ...record,
    clientId: BENCH_SIGNED_CLIENT_ID,
    name: 'Load benchmark, signed assertions',
    plan: 'bench',
    authMethods: ['private_key_jwt'],
    grantTypes: ['client_credentials'],
    jwks: backend.jwks,
  });

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
