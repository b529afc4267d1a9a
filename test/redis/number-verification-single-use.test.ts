import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { SigningKeys } from '../../src/auth/keys.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { RedisStore } from '../../src/store/redis.js';
import { post } from '../support/app.js';
import { expectError } from '../support/requests.js';

/**
 * Two gateway instances on one Redis: a Number Verification token used on one instance is
 * refused on the other (the single-use marker lives in the shared store, not in the process).
 */

const url = process.env.TEST_REDIS_URL;
if (url === undefined) throw new Error('TEST_REDIS_URL is not set: run the Redis tests through npm test');

const stores: RedisStore[] = [];
const prefix = `test:${crypto.randomUUID()}:`;

async function instances() {
  const clock = new ManualClock();
  const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
  const keys = await SigningKeys.generate();
  const tokenSecret = crypto.getRandomValues(new Uint8Array(32));
  return Promise.all(
    [1, 2].map(async () => {
      const store = new RedisStore({ url: url as string, keyPrefix: prefix });
      await store.connect();
      stores.push(store);
      const deps = await buildDeps(config, { store, clock, logger: silentLogger, keys, tokenSecret });
      await seedSandbox(deps);
      return { app: createApp(deps), deps };
    }),
  );
}

let a: Awaited<ReturnType<typeof instances>>[number];
let b: Awaited<ReturnType<typeof instances>>[number];

beforeAll(async () => {
  [a, b] = (await instances()) as [typeof a, typeof b];
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

describe('Number Verification single use on Redis', () => {
  it('a token consumed on one instance is refused on the other', async () => {
    const { token } = await a.deps.tokens.issue({
      clientId: 'demo-app',
      scopes: ['number-verification:verify'],
      purpose: 'dpv:IdentityVerification',
      subscriber: '+34600000001',
      amr: ['nba'],
      ttlSeconds: 300,
    });
    const body = { phoneNumber: '+34600000001' };
    expect((await post(a.app, '/number-verification/v2/verify', body, token)).status).toBe(200);
    await expectError(
      await post(b.app, '/number-verification/v2/verify', body, token),
      401,
      'UNAUTHENTICATED',
    );
    await expectError(
      await post(a.app, '/number-verification/v2/verify', body, token),
      401,
      'UNAUTHENTICATED',
    );
  });
});
