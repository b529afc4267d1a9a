import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Store } from '../../src/store/port.js';
import { RedisStore } from '../../src/store/redis.js';
import { nodeRuntime } from '../../src/runtime/node.js';
import { flowsPlatform, type FlowsPlatform } from './flows.js';
import { RunningClock } from './running-clock.js';

export type FlowsServer = FlowsPlatform & { url: string; close(): Promise<void> };

/**
 * The platform on a real socket (@hono/node-server, port 0) with PUBLIC_URL = its own address, so
 * that a real client library can discover it. 127.0.0.1 plays the operator's edge proxy
 * (TRUSTED_PROXIES) and writes the device address in X-Forwarded-For and its port in
 * X-Forwarded-Port (CLIENT_IP_HEADER, CLIENT_PORT_HEADER).
 */
export async function startFlowsServer(
  engine: 'memory' | 'redis',
  /** More configuration, e.g. ADMIN_CLIENTS for a test that drives the admin API. */
  env: Record<string, string> = {},
): Promise<FlowsServer> {
  // The server listens first (to learn its port), the platform is built for that URL, then served.
  const target: { fetch?: (request: Request, env: unknown) => Response | Promise<Response> } = {};
  const server: ServerType = serve({
    fetch: (request, env) =>
      target.fetch ? target.fetch(request, env) : new Response('starting', { status: 503 }),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let store: Store | undefined;
  let redis: RedisStore | undefined;
  if (engine === 'redis') {
    const redisUrl = process.env.TEST_REDIS_URL;
    if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (npm test starts a redis-server)');
    redis = new RedisStore({ url: redisUrl, keyPrefix: `e2e-flows-${crypto.randomUUID().slice(0, 8)}:` });
    await redis.connect();
    store = redis;
  }
  const platform = await flowsPlatform({
    env: {
      PUBLIC_URL: url,
      TRUSTED_PROXIES: '127.0.0.1',
      CLIENT_IP_HEADER: 'x-forwarded-for',
      CLIENT_PORT_HEADER: 'x-forwarded-port',
      ...env,
    },
    clock: new RunningClock(),
    runtime: nodeRuntime,
    ...(store ? { store } : {}),
  });
  target.fetch = (request, env) => platform.app.fetch(request, env);
  return {
    ...platform,
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server)
          (server as { closeAllConnections(): void }).closeAllConnections();
      });
      await redis?.close();
    },
  };
}
