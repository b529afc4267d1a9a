import { describe, expect, it } from 'vitest';
import { post, testPlatform } from '../support/app.js';
import { rateLimitContract, T0 } from '../contract/rate-limit-contract.js';

rateLimitContract('memory', () => testPlatform());

describe('rate limiting: the sandbox plan', () => {
  const check = async (p: Awaited<ReturnType<typeof testPlatform>>) =>
    post(p.app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, await p.token());

  it('allows 20 calls a second and 5000 a day to the demo application', async () => {
    const p = await testPlatform();
    p.clock.set(T0);
    for (let i = 0; i < 20; i++) expect((await check(p)).status).toBe(200);
    const refused = await check(p);
    expect(refused.status).toBe(429);
    expect(
      Object.fromEntries(
        ['RateLimit-Policy', 'RateLimit', 'Retry-After'].map((h) => [h, refused.headers.get(h)]),
      ),
    ).toEqual({
      'RateLimit-Policy': '"burst";q=20;w=1, "quota";q=5000;w=86400',
      RateLimit: '"burst";r=0;t=1, "quota";r=4980;t=43200',
      'Retry-After': '1',
    });
    expect(await refused.json()).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'Rate limit reached.',
    });
    p.clock.advance(1000);
    const next = await check(p);
    expect(next.status).toBe(200);
    expect(next.headers.get('RateLimit')).toBe('"burst";r=19;t=1, "quota";r=4979;t=43199');
  });

  it.each(['no-such-plan', 'constructor', 'toString'])(
    'gives an application with plan %s the sandbox plan',
    async (plan) => {
      const p = await testPlatform();
      const demo = await p.deps.applications.get('demo-app');
      await p.deps.applications.put({ ...demo!, plan });
      const res = await check(p);
      expect([res.status, res.headers.get('RateLimit-Policy')]).toEqual([
        200,
        '"burst";q=20;w=1, "quota";q=5000;w=86400',
      ]);
    },
  );

  it('answers 401 to a suspended application, whatever its quota', async () => {
    const p = await testPlatform();
    const demo = await p.deps.applications.get('demo-app');
    await p.deps.applications.put({ ...demo!, status: 'suspended' });
    const res = await check(p);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  });
});
