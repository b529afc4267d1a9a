import { Redis } from 'ioredis';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis.js';

/**
 * The Redis server of the test run. scripts/test.sh always starts one and exports its URL, so a
 * missing variable is a broken setup: fail loudly rather than skip the Redis tests.
 */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'TEST_REDIS_URL is not set. Run the tests with `npm test` (scripts/test.sh starts a redis-server), ' +
        "or start one yourself (redis-server --port 6390 --save '' --appendonly no) and export " +
        'TEST_REDIS_URL=redis://127.0.0.1:6390.',
    );
  }
  return url;
}

/** A key prefix of its own for each test file (and run), so that files never share keys. */
export function testPrefix(file: string): string {
  return `test:${file}:${crypto.randomUUID().slice(0, 8)}:`;
}

/** A connected RedisStore on the test server. */
export async function testRedisStore(
  keyPrefix: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<RedisStore> {
  const store = new RedisStore({ url: testRedisUrl(), keyPrefix, ...options });
  await store.connect();
  await store.ping();
  return store;
}

/** A raw client without prefix: to look at what the engine really wrote. */
export function rawRedis(url = testRedisUrl()): Redis {
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (SCAN, never KEYS on a shared server). */
export async function dropPrefix(raw: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await raw.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Waits until the server has dropped `key` (PTTL -2), polling; fails after `timeoutMs`. */
export async function untilGone(pttl: () => Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await pttl()) !== -2) {
    if (Date.now() > deadline) throw new Error(`key still present after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
