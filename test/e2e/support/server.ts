import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../../src/app.js';
import { nodeRuntime } from '../../../src/runtime/node.js';
import { buildDeps, seedSandbox } from '../../../src/bootstrap.js';
import type { Application } from '../../../src/admin/applications.js';
import { systemClock, type Clock } from '../../../src/clock.js';
import { parseConfig } from '../../../src/config.js';
import type { Deps } from '../../../src/deps.js';
import { silentLogger } from '../../../src/log.js';
import { MemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/port.js';
import { RedisStore } from '../../../src/store/redis.js';
import { basicAuth, registerClient, type TestClient } from './oauth.js';

export type Engine = 'memory' | 'redis';

export type E2EServer = {
  /** Base URL, also the issuer: `http://127.0.0.1:<port>`. */
  url: string;
  deps: Deps;
  store: Store;
  /** The onboarded test application (private_key_jwt key pair and a client secret). */
  client: TestClient;
  close(): Promise<void>;
};

export type ServerOptions = {
  engine: Engine;
  /** Redis key prefix; shared by servers that stand for processes of one deployment. */
  keyPrefix?: string;
  /** Extra environment (SIGNING_KEYS, TOKEN_SECRET, limits, …). */
  env?: Record<string, string>;
  /** The issuer, when it is another server's (several processes behind one public URL). */
  publicUrl?: string;
  /** The server's clock (default: the system clock). */
  clock?: Clock;
  /** The test application's onboarding record, over the defaults of registerClient. */
  client?: Partial<Application>;
};

export function redisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (url === undefined) throw new Error('TEST_REDIS_URL is not set: run the Redis tests through npm test');
  return url;
}

export const uniquePrefix = (): string => `e2e${crypto.randomUUID().slice(0, 8)}:`;

/**
 * The platform on a real socket (port 0, loopback), on the memory engine or on the Redis of the
 * test run under a unique key prefix, seeded with the sandbox and one test application.
 */
export async function startServer(options: ServerOptions): Promise<E2EServer> {
  // The socket is opened first: its port makes the issuer URL the configuration needs.
  const slot: { fetch?: (request: Request, env: unknown) => Response | Promise<Response> } = {};
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      {
        fetch: (request, env) =>
          slot.fetch ? slot.fetch(request, env) : new Response(null, { status: 503 }),
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clock = options.clock ?? systemClock;
  let store: Store;
  if (options.engine === 'redis') {
    const redis = new RedisStore({ url: redisUrl(), keyPrefix: options.keyPrefix ?? uniquePrefix() });
    await redis.connect();
    store = redis;
  } else {
    store = new MemoryStore(clock);
  }
  const config = parseConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: options.publicUrl ?? url,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = await buildDeps(config, { store, clock, logger: silentLogger });
  await seedSandbox(deps);
  const client = await registerClient(deps, options.client);
  const app = createApp(deps, { runtime: nodeRuntime });
  slot.fetch = (request, env) => app.fetch(request, env);

  return {
    url,
    deps,
    store,
    client,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/** A client-credentials token for the server's test application, over the socket (Basic). */
export async function fetchToken(server: E2EServer, scope: string): Promise<string> {
  const res = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(server.client.clientId, server.client.secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
