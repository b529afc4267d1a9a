import { afterAll, beforeAll } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { RedisStore } from '../../src/store/redis.js';
import { testPlatform } from '../support/app.js';
import { rateLimitContract } from '../contract/rate-limit-contract.js';
import { dropPrefix, rawRedis, testPrefix, testRedisStore, testRedisUrl } from '../support/redis.js';

testRedisUrl(); // fails the file at once, with the reason, when the run has no Redis
const prefix = testPrefix('rate-limit-redis');
let store: RedisStore;

beforeAll(async () => {
  store = await testRedisStore(prefix);
});
afterAll(async () => {
  await store.close();
  const raw = rawRedis();
  await raw.connect();
  await dropPrefix(raw, prefix);
  await raw.quit();
});

rateLimitContract('redis', () => testPlatform({ store, clock: new ManualClock() }));
