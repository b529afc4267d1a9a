import { afterAll } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/port.js';
import { RedisStore } from '../../src/store/redis.js';

export type Engine = { name: 'memory' | 'redis'; make(clock: Clock): Promise<Store> };

/**
 * The store engines a store-backed test runs on: memory always, and a real Redis when
 * TEST_REDIS_URL is set (scripts/test.sh always sets it). Each Redis store gets its own key
 * prefix, so tests never see each other's keys; connections close after the file.
 */
export function engines(): Engine[] {
  const list: Engine[] = [{ name: 'memory', make: async (clock) => new MemoryStore(clock) }];
  const url = process.env.TEST_REDIS_URL;
  if (url !== undefined && url !== '') {
    const opened: RedisStore[] = [];
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
    });
    list.push({
      name: 'redis',
      make: async () => {
        const store = new RedisStore({ url, keyPrefix: `t${crypto.randomUUID().slice(0, 8)}:` });
        await store.connect();
        await store.ping();
        opened.push(store);
        return store;
      },
    });
  }
  return list;
}
