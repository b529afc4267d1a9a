import { describe, expect, it } from 'vitest';
import { requireLegalBasis } from '../../src/consent/enforce.js';
import { ApiError } from '../../src/errors.js';
import { post, testPlatform } from '../support/app.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';

/**
 * The legal-basis reads start before the rate limit (consent/prefetch.ts); the answers and their
 * order must be exactly those of DESIGN §2, as if the check ran at step 7.
 */
describe('legal-basis prefetch', () => {
  it('keeps 429 ahead of a bad body, and 413 ahead of everything after the rate limit', async () => {
    const p = await testPlatform();
    const token = await p.token({ purpose: FRAUD });
    for (let i = 0; i < 20; i++)
      await post(p.app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, token);
    const limited = await post(p.app, '/sim-swap/v2/check', '{"phoneNumber": ', token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    p.clock.advance(1000);
    const tooLarge = await post(
      p.app,
      '/sim-swap/v2/check',
      { phoneNumber: '+34600000001', pad: 'x'.repeat(20_000) },
      token,
    );
    expect(tooLarge.status).toBe(413);
    const malformed = await post(p.app, '/sim-swap/v2/check', '{"phoneNumber": ', token);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('answers from the prefetched decision for the resolved number only', async () => {
    const p = await testPlatform();
    await p.deps.consentManager.optOut(
      { clientId: 'demo-app', purpose: FRAUD, subscriber: '+34600000002' },
      'operator',
    );
    const access = await p.deps.tokens.verify(await p.token({ purpose: FRAUD }));
    const allowed = {
      subscriber: '+34600000001',
      decision: Promise.resolve({ allowed: true as const, basis: 'legitimate_interest' as const }),
    };
    // Prefetched for another number: ignored, the check runs for the resolved one (opted out).
    const refused = await requireLegalBasis(p.deps, access, '+34600000002', allowed).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('PERMISSION_DENIED');
    await expect(requireLegalBasis(p.deps, access, '+34600000001', allowed)).resolves.toBeUndefined();
  });

  it('prefetches for 3-legged calls from the token, and ignores a body number there', async () => {
    const p = await testPlatform();
    const subscriber = '+34600000003';
    await p.deps.consentManager.optOut({ clientId: 'demo-app', purpose: FRAUD, subscriber }, 'subscriber');
    const token = await p.token({ purpose: FRAUD, subscriber });
    const refused = await post(p.app, '/sim-swap/v2/check', {}, token);
    expect(refused.status).toBe(403);
    const unnecessary = await post(p.app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, token);
    expect(unnecessary.status).toBe(422);
    expect(await unnecessary.json()).toMatchObject({ code: 'UNNECESSARY_IDENTIFIER' });
  });
});
