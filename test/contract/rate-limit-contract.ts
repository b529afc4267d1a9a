import { beforeEach, describe, expect, it } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import type { Plan } from '../../src/ratelimit/plans.js';
import { post, PURPOSE, type TestPlatform } from '../support/app.js';

/** 12:00:00 UTC: a minute boundary, 43 200 s before the daily quota resets. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';
const POLICY = '"burst";q=3;w=60, "quota";q=5;w=86400';
// Windows of a minute or more: on Redis a counter lives `resetMs` of real time, far beyond a test.
const TINY: Plan = {
  burst: { name: 'burst', limit: 3, windowMs: 60_000 },
  quota: { name: 'quota', limit: 5, windowMs: 86_400_000 },
};
const TIGHT: Plan = { burst: TINY.burst, quota: { ...TINY.quota, limit: 3 } };

function application(clientId: string, plan: string): Application {
  return {
    clientId,
    name: clientId,
    status: 'active',
    plan,
    authMethods: ['client_secret_basic'],
    grantTypes: ['client_credentials'],
    scopes: ['sim-swap:check'],
    purposes: [PURPOSE],
    twoLeggedApis: ['sim-swap'],
  };
}

/** DESIGN §2 step 3 through HTTP, on whichever store the platform runs. */
export function rateLimitContract(engine: string, make: () => Promise<TestPlatform>): void {
  describe(`rate limiting over HTTP: ${engine}`, () => {
    let p: TestPlatform;
    let ids: { a: string; b: string; tight: string };

    beforeEach(async () => {
      p = await make();
      p.clock.set(T0);
      p.deps.plans.tiny = TINY;
      p.deps.plans.tight = TIGHT;
      // Client ids of their own per test: on Redis, tests share one server and the same windows.
      const run = crypto.randomUUID().slice(0, 8);
      ids = { a: `tiny-a-${run}`, b: `tiny-b-${run}`, tight: `tight-${run}` };
      await p.deps.applications.put(application(ids.a, 'tiny'));
      await p.deps.applications.put(application(ids.b, 'tiny'));
      await p.deps.applications.put(application(ids.tight, 'tight'));
    });

    /** One SIM Swap check by `clientId`, with a token minted at the clock's current time. */
    const check = async (clientId: string, body: unknown = { phoneNumber: '+34600000001' }) =>
      post(p.app, '/sim-swap/v2/check', body, await p.token({ clientId, scopes: ['sim-swap:check'] }));
    const limits = (res: Response) => ({
      status: res.status,
      policy: res.headers.get('RateLimit-Policy'),
      rateLimit: res.headers.get('RateLimit'),
      retryAfter: res.headers.get('Retry-After'),
    });

    it('answers 200 with RateLimit-Policy and RateLimit, without Retry-After', async () => {
      const res = await check(ids.a);
      expect(limits(res)).toEqual({
        status: 200,
        policy: POLICY,
        rateLimit: '"burst";r=2;t=60, "quota";r=4;t=43200',
        retryAfter: null,
      });
    });

    it('answers 429 TOO_MANY_REQUESTS past the burst limit, until the window resets', async () => {
      for (let i = 0; i < 3; i++) expect((await check(ids.a)).status).toBe(200);
      const refused = await check(ids.a);
      expect(limits(refused)).toEqual({
        status: 429,
        policy: POLICY,
        rateLimit: '"burst";r=0;t=60, "quota";r=2;t=43200',
        retryAfter: '60',
      });
      expect(refused.headers.get('x-correlator')).toBe(CORRELATOR);
      expect(refused.headers.get('content-type')).toBe('application/json');
      expect(await refused.json()).toEqual({
        status: 429,
        code: 'TOO_MANY_REQUESTS',
        message: 'Rate limit reached.',
      });

      p.clock.advance(20_000);
      expect(limits(await check(ids.a))).toMatchObject({ status: 429, retryAfter: '40' });
      p.clock.advance(40_000);
      // Two refused calls consumed no quota: 3 + 1 calls counted.
      expect(limits(await check(ids.a))).toMatchObject({
        status: 200,
        rateLimit: '"burst";r=2;t=60, "quota";r=1;t=43140',
      });
    });

    it('answers 429 QUOTA_EXCEEDED once the plan quota is spent, until the next day', async () => {
      for (let i = 0; i < 3; i++) await check(ids.a);
      p.clock.advance(60_000);
      for (let i = 0; i < 2; i++) expect((await check(ids.a)).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const refused = await check(ids.a);
        // The burst counter stays at 2 used: a refused call moves no counter.
        expect(limits(refused)).toEqual({
          status: 429,
          policy: POLICY,
          rateLimit: '"burst";r=1;t=60, "quota";r=0;t=43140',
          retryAfter: '43140',
        });
        expect(await refused.json()).toEqual({
          status: 429,
          code: 'QUOTA_EXCEEDED',
          message: 'Out of resource quota.',
        });
      }
      p.clock.set(T0 + 43_200_000);
      expect(limits(await check(ids.a))).toMatchObject({
        status: 200,
        rateLimit: '"burst";r=2;t=60, "quota";r=4;t=86400',
      });
    });

    it('names the quota when burst and quota are both spent: Retry-After is when a call can succeed', async () => {
      for (let i = 0; i < 3; i++) await check(ids.tight);
      const refused = await check(ids.tight);
      expect(limits(refused)).toMatchObject({ status: 429, retryAfter: '43200' });
      expect(((await refused.json()) as { code: string }).code).toBe('QUOTA_EXCEEDED');
    });

    it('keeps separate counters per application', async () => {
      for (let i = 0; i < 4; i++) await check(ids.a);
      expect((await check(ids.a)).status).toBe(429);
      expect(limits(await check(ids.b))).toMatchObject({
        status: 200,
        rateLimit: '"burst";r=2;t=60, "quota";r=4;t=43200',
      });
    });

    it('counts a call refused after the limiter (400) and says so in the headers', async () => {
      const res = await check(ids.a, { phoneNumber: 'not a number' });
      expect(limits(res)).toMatchObject({ status: 400, rateLimit: '"burst";r=2;t=60, "quota";r=4;t=43200' });
    });

    it('does not count a call refused before the limiter (401)', async () => {
      const res = await post(p.app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, undefined);
      expect(limits(res)).toEqual({ status: 401, policy: null, rateLimit: null, retryAfter: null });
      expect(limits(await check(ids.a))).toMatchObject({
        rateLimit: '"burst";r=2;t=60, "quota";r=4;t=43200',
      });
    });
  });
}
