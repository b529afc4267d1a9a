import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/camara-assert.js';
import {
  IDENTITY,
  NV,
  sandboxOperatorToken,
  startIdentityServer,
  type IdentityServer,
} from '../e2e/support/identity.js';
import { applicationKeys } from '../../src/store/keys.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * DESIGN §3: Number Verification tokens are single use. The token is consumed by a successful
 * call only (docs/number-verification.md); refused calls leave it usable. Over a real socket with
 * tokens from the real flows, on memory and on Redis.
 */

const VERIFY = '/number-verification/v2/verify';
const SHARE = '/number-verification/v2/device-phone-number';
const DEVICE = '+34600000001';
const BOTH = `${IDENTITY} ${NV.verify} ${NV.share}`;
const UNAUTHENTICATED = { status: 401, code: 'UNAUTHENTICATED' } as const;

describe.each(targetRows(ONBOARDING_TARGETS))(
  'Number Verification single-use tokens (%s)',
  (_name, target) => {
    let s: IdentityServer;
    beforeAll(async () => {
      s = await startIdentityServer(target);
    });
    afterAll(async () => {
      await s?.close();
    });

    const token = (scope = BOTH) =>
      s.tokens.jwtBearer(`operatortoken:${sandboxOperatorToken(DEVICE)}`, scope);
    const verify = (body: unknown, t: string) => s.post(VERIFY, body, t);

    it('refuses a second verify with the same token: 401 UNAUTHENTICATED', async () => {
      const t = await s.tokens.authorizationCode(DEVICE, BOTH);
      expect((await verify({ phoneNumber: DEVICE }, t)).status).toBe(200);
      const replay = await verify({ phoneNumber: DEVICE }, t);
      await expectError(replay, UNAUTHENTICATED);
      expect(replay.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    });

    it('a false verification consumes the token too', async () => {
      const t = await token();
      expect(await (await verify({ phoneNumber: '+34600000010' }, t)).json()).toEqual({
        devicePhoneNumberVerified: false,
      });
      await expectError(await verify({ phoneNumber: DEVICE }, t), UNAUTHENTICATED);
    });

    it('one use across both operations: share after verify is refused', async () => {
      const t = await token();
      expect((await verify({ phoneNumber: DEVICE }, t)).status).toBe(200);
      await expectError(await s.get(SHARE, t), UNAUTHENTICATED);
    });

    it('refuses a second share with the same token', async () => {
      const t = await token();
      expect((await s.get(SHARE, t)).status).toBe(200);
      await expectError(await s.get(SHARE, t), UNAUTHENTICATED);
    });

    it('a 400 does not consume the token', async () => {
      const t = await token();
      await expectError(await verify({}, t), { status: 400, code: 'INVALID_ARGUMENT' });
      expect((await verify({ phoneNumber: DEVICE }, t)).status).toBe(200);
    });

    it('a 403 does not consume the token', async () => {
      const t = await token(`${IDENTITY} ${NV.share}`);
      await expectError(await verify({ phoneNumber: DEVICE }, t), { status: 403, code: 'PERMISSION_DENIED' });
      expect((await s.get(SHARE, t)).status).toBe(200);
    });

    it('a used token is spent everywhere: introspection answers inactive, other APIs refuse it', async () => {
      // A token may carry KYC Match too (one purpose, several APIs): once spent, it serves nothing.
      const t = await token(`${IDENTITY} ${NV.verify} kyc-match:match`);
      const kyc = () => s.post('/kyc-match/v0.4/match', { givenName: 'Ana' }, t);
      expect((await kyc()).status).toBe(200);
      expect(await s.tokens.introspect(t)).toMatchObject({ active: true });
      expect((await verify({ phoneNumber: DEVICE }, t)).status).toBe(200);
      expect(await s.tokens.introspect(t)).toEqual({ active: false });
      await expectError(await kyc(), UNAUTHENTICATED);
    });

    it('HEAD is safe (RFC 9110 §9.2.1): it answers as GET would, without a body, and spends nothing', async () => {
      const t = await token();
      const head = await fetch(`${s.url}${SHARE}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${t}` },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await head.text()).toBe('');
      expect(await (await s.get(SHARE, t)).json()).toEqual({ devicePhoneNumber: DEVICE });
      const spent = await fetch(`${s.url}${SHARE}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${t}` },
      });
      expect(spent.status).toBe(401);
    });

    it('concurrent uses of one token: exactly one succeeds', async () => {
      const t = await token();
      const answers = await Promise.all(Array.from({ length: 8 }, () => verify({ phoneNumber: DEVICE }, t)));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    });
  },
);

// The marker's lifetime follows the store's clock, which only the memory engine takes from the test.
describe('Number Verification single-use marker lifetime (memory)', () => {
  let s: IdentityServer;
  beforeAll(async () => {
    s = await startIdentityServer('memory');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('remembers the use until the token expires, then forgets it', async () => {
    const t = await s.tokens.jwtBearer(`operatortoken:${sandboxOperatorToken(DEVICE)}`, BOTH);
    const { clientId, jti, exp } = await s.deps.tokens.verify(t);
    const key = applicationKeys.revokedToken(clientId, jti);
    expect(exp - Math.floor(s.clock.now() / 1000)).toBeLessThanOrEqual(300); // NV: at most 300 s
    expect((await s.get(SHARE, t)).status).toBe(200);
    await s.later(299_000, async () => {
      await expectError(await s.get(SHARE, t), UNAUTHENTICATED);
      expect(await s.store.get(key)).not.toBeNull();
    });
    // Past exp the token itself is invalid, so the marker can go (kept one skew margin longer).
    await s.later(exp * 1000 - s.clock.now() + 61_000, async () => {
      expect(await s.store.get(key)).toBeNull();
      await expectError(await s.get(SHARE, t), UNAUTHENTICATED);
    });
  });
});
