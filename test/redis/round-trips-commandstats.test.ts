import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis.js';
import { DEMO, post, testPlatform, type TestPlatform } from '../support/app.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';

const CHECK = '/sim-swap/v2/check';
const BODY = { phoneNumber: '+34600000001' };
const CALLS = 25;

/** `INFO commandstats` as { command: calls }, e.g. { evalsha: 25 }. */
async function commandCalls(raw: Redis): Promise<Record<string, number>> {
  const info = await raw.info('commandstats');
  const calls: Record<string, number> = {};
  for (const [, name, count] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    // This test's own RESETSTAT and INFO are not the platform's.
    if (name !== 'info' && !name?.startsWith('config')) calls[name as string] = Number(count);
  }
  return calls;
}

/**
 * DESIGN §2 hot-path budget, counted by the server itself: a redis-server of this test's own, so
 * that no other test's commands are counted. Each protected call (warm in-process caches) is one
 * EVALSHA of the batch script: application and partner records (kill switch), revocation read,
 * legal-basis reads and rate-limit hit together. Redis counts the commands a script runs in
 * commandstats too: the GETs and INCRs below are the script's own (the application's record, its
 * partner's record, the operator's plans record, the revocation record, legitimate interest: the
 * application's consent record and the every-application opt-out, and the two counters; INCR of the burst and quota counters),
 * never commands of their own from the platform.
 */
describe('hot-path budget on Redis (INFO commandstats)', () => {
  let own: OwnRedis;
  let raw: Redis;
  let store: RedisStore;
  let p: TestPlatform;
  let token: string;

  beforeAll(async () => {
    own = new OwnRedis(await freePort());
    await own.start();
    raw = new Redis(own.url, { lazyConnect: true });
    await raw.connect();
    store = new RedisStore({ url: own.url, keyPrefix: 'commandstats:' });
    await store.connect();
    p = await testPlatform({ store });
    // Limits out of reach for the first test: every call is allowed and counted.
    const burst = { name: 'burst', limit: 1_000_000, windowMs: 1000 };
    const quota = { name: 'quota', limit: 1_000_000, windowMs: 86_400_000 };
    p.deps.plans = Object.fromEntries(Object.keys(p.deps.plans).map((plan) => [plan, { burst, quota }]));
    // A partner's application: its status travels in the same script (kill switch).
    await p.deps.partners.put({
      partnerId: 'acme',
      name: 'Acme',
      status: 'active',
      createdAt: 0,
      updatedAt: 0,
    });
    const app = await p.deps.applications.get(DEMO.clientId);
    await p.deps.applications.put({ ...app!, partnerId: 'acme' });
    token = await p.token({ scopes: ['sim-swap:check'] });
    expect((await post(p.app, CHECK, BODY, token)).status).toBe(200); // warms the token and registry caches
  });
  afterAll(async () => {
    await store.close();
    await raw.quit();
    await own.kill();
  });

  it(`${CALLS} protected calls are ${CALLS} EVALSHA and no other command of the platform`, async () => {
    await raw.config('RESETSTAT');
    for (let i = 0; i < CALLS; i++) expect((await post(p.app, CHECK, BODY, token)).status).toBe(200);
    const calls = await commandCalls(raw);
    expect(calls).toEqual({ evalsha: CALLS, get: 8 * CALLS, incr: 2 * CALLS });
  });

  it('a call refused by the rate limit costs the same single command', async () => {
    const burst = { name: 'burst', limit: 1000, windowMs: 1000 };
    const quota = { name: 'quota', limit: 0, windowMs: 86_400_000 };
    p.deps.plans = Object.fromEntries(Object.keys(p.deps.plans).map((plan) => [plan, { burst, quota }]));
    await raw.config('RESETSTAT');
    const res = await post(p.app, CHECK, BODY, token);
    expect(res.status).toBe(429);
    const calls = await commandCalls(raw);
    // Refused: the script reads and counts nothing (the quota refuses before any INCR).
    expect(calls).toEqual({ evalsha: 1, get: 8 });
  });
});
