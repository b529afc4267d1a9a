import { afterEach, describe, expect, it } from 'vitest';
import { counterKey, windowOf } from '../../src/store/port.js';
import type { RedisStore } from '../../src/store/redis.js';
import { basicAuth, PURPOSE } from './support/oauth.js';
import { startServer, type E2EServer, type Engine } from './support/server.js';
import { addressKeys } from '../../src/store/keys.js';

const tokenRequest = (server: E2EServer, secret: string) =>
  fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(server.client.clientId, secret),
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: `${PURPOSE} sim-swap:check`,
    }).toString(),
  });

describe.each<Engine>(['memory', 'redis'])(
  'authorization-server limits over a socket (%s engine)',
  (engine) => {
    let server: E2EServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('counts failed authentications per socket address, then answers 429 with Retry-After', async () => {
      server = await startServer({ engine, env: { OAUTH_AUTH_FAILURES_PER_IP: '2' } });
      expect((await tokenRequest(server, 'wrong')).status).toBe(401);
      expect((await tokenRequest(server, 'wrong')).status).toBe(401);
      const blocked = await tokenRequest(server, server.client.secret);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await blocked.json()).toEqual({
        error: 'too_many_requests',
        error_description: 'too many requests',
      });
      // Counted under the socket's address (no proxy header configured).
      const rule = { name: 'auth-failures', limit: 2, windowMs: 15 * 60_000 };
      const key = counterKey(addressKeys.limiter('127.0.0.1'), rule, windowOf(rule, Date.now()).index);
      expect(await server.store.get(key)).toBe('2');
    });
  },
);

describe('Redis unreachable', () => {
  it('fails closed: the token endpoint answers 503 temporarily_unavailable', async () => {
    const server = await startServer({ engine: 'redis' });
    try {
      (server.store as RedisStore).client.disconnect(false);
      const res = await tokenRequest(server, server.client.secret);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'service temporarily unavailable',
      });
    } finally {
      await server.close();
    }
  });
});
