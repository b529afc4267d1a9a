import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisStore } from '../../src/store/redis.js';
import { PURPOSE } from './support/oauth.js';
import { fetchToken, startServer, type E2EServer } from './support/server.js';

const check = (server: E2EServer, token: string) =>
  fetch(`${server.url}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ phoneNumber: '+34600000001' }),
  });

/**
 * Every write the Redis client makes on its socket during `action`. One write holding every
 * command of the call, and no command issued after a reply came back, is one round trip.
 */
async function redisWrites(store: RedisStore, action: () => Promise<void>): Promise<string[]> {
  if (!(store.client instanceof Redis)) throw new Error('one Redis server expected');
  const stream = store.client.stream;
  const original = stream.write;
  const writes: string[] = [];
  stream.write = function (this: typeof stream, chunk: unknown, ...rest: unknown[]) {
    writes.push(String(chunk));
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stream.write;
  try {
    await action();
  } finally {
    stream.write = original;
  }
  return writes;
}

describe('hot-path budget (DESIGN §2): one Redis round trip per resource call', () => {
  let server: E2EServer;
  let token: string;
  beforeAll(async () => {
    server = await startServer({ engine: 'redis' });
    token = await fetchToken(server, `${PURPOSE} sim-swap:check`);
    expect((await check(server, token)).status).toBe(200); // warms the in-process caches (token, application)
  });
  afterAll(async () => server.close());

  it('sends the rate-limit hit, the revocation read and the legal-basis reads in a single write', async () => {
    const store = server.store as RedisStore;
    let status = 0;
    const writes = await redisWrites(store, async () => {
      status = (await check(server, token)).status;
    });
    expect(status).toBe(200);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/EVALSHA/i);
    expect(writes[0]).toContain(`revoked:`);
    // Legitimate interest: the application's record and the every-application opt-out.
    expect(writes[0]?.match(/consent:/g)).toHaveLength(2);
  });

  it('stays one write without auto-pipelining: the batch is explicit, one script', async () => {
    const store = server.store as RedisStore;
    store.client.options.enableAutoPipelining = false;
    try {
      const writes = await redisWrites(store, async () => {
        expect((await check(server, token)).status).toBe(200);
      });
      expect(writes).toHaveLength(1);
      expect(writes[0]?.match(/EVALSHA/gi)).toHaveLength(1);
    } finally {
      store.client.options.enableAutoPipelining = true;
    }
  });
});
