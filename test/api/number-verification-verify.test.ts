import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRELATOR, expectError, expectSuccess, type Operation } from '../support/camara-assert.js';
import { camaraFacts } from '../support/openapi-schema.js';
import {
  IDENTITY,
  mobileNetworkFlows,
  NV,
  sandboxDevices,
  startIdentityServer,
  type IdentityServer,
} from '../e2e/support/identity.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * Number Verification 2.1.0 phoneNumberVerify (TEST-PLAN §4) over a real socket, on memory and on
 * Redis, with tokens from the real flows: the authorization code flow with network-based
 * authentication of the sandbox device, and TS.43 operator tokens through CIBA and JWT-bearer.
 * NV tokens are single use, so each success gets a fresh one; refused requests do not consume a
 * token (docs/number-verification.md) and share one. Sandbox data: docs/number-verification.md.
 */

const PATH = '/number-verification/v2/verify';
const op: Operation = { doc: camaraFacts('number-verification'), path: '/verify', method: 'post' };
const DEVICE = '+34600000001';
const OTHER = '+34600000010';
const SCOPE = `${IDENTITY} ${NV.verify}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(targetRows(ONBOARDING_TARGETS))('Number Verification verify (%s)', (_name, target) => {
  let s: IdentityServer;
  beforeAll(async () => {
    s = await startIdentityServer(target);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The flows that authenticate the subscriber by the mobile network or the SIM. */
  const MOBILE_NETWORK = mobileNetworkFlows(() => s.tokens, DEVICE);
  /** The cheapest fresh NV token: JWT-bearer with the device's TS.43 operator token. */
  const fresh = (scope = SCOPE) => MOBILE_NETWORK['JWT-bearer operatortoken:'](scope);
  const verify = (body: unknown, token: string | undefined) => s.post(PATH, body, token);

  async function expectVerified(res: Response, expected: boolean): Promise<void> {
    const body = await expectSuccess(res, op);
    expect(body).toEqual({ devicePhoneNumberVerified: expected });
  }

  describe('success', () => {
    it('@phone_number_verify_01_generic_success_scenario', async () => {
      const token = await s.tokens.authorizationCode(DEVICE, SCOPE);
      await expectVerified(await verify({ phoneNumber: DEVICE }, token), true);
    });

    it.each(Object.keys(MOBILE_NETWORK) as (keyof typeof MOBILE_NETWORK)[])(
      '@phone_number_verify.02_validate_phone_number_success_true (%s)',
      async (flow) => {
        const token = await MOBILE_NETWORK[flow](SCOPE);
        await expectVerified(await verify({ phoneNumber: DEVICE }, token), true);
      },
    );

    it('@phone_number_verify.02_validate_phone_number_success_true (IPv6 device)', async () => {
      // The sandbox device [2001:db8::1], which X-Forwarded-For carries as a bare IPv6 address.
      const ipv6 = sandboxDevices(DEVICE).find((d) => d.ip.includes(':'));
      expect(ipv6).toEqual({ ip: '2001:db8::1', port: undefined });
      const token = await s.tokens.authorizationCode(DEVICE, SCOPE, ipv6);
      await expectVerified(await verify({ phoneNumber: DEVICE }, token), true);
    });

    it('@phone_number_verify.03_validate_phone_number_success_false', async () => {
      await expectVerified(await verify({ phoneNumber: OTHER }, await fresh()), false);
    });

    it('@phone_number_verify.04_validate_hashed_phone_number_success_true (lower and upper case hex)', async () => {
      // SHA-256 of the E.164 number with its '+' (the value published in docs/number-verification.md).
      expect(sha256(DEVICE)).toBe('eb491b384e4fda4281634daa211e6e54a4cf7f82baa33a9f35980329e4ad95f3');
      const network = await s.tokens.authorizationCode(DEVICE, SCOPE);
      await expectVerified(await verify({ hashedPhoneNumber: sha256(DEVICE) }, network), true);
      await expectVerified(
        await verify({ hashedPhoneNumber: sha256(DEVICE).toUpperCase() }, await fresh()),
        true,
      );
    });

    it('@phone_number_verify.05_validate_hashed_phone_number_success_false', async () => {
      await expectVerified(await verify({ hashedPhoneNumber: sha256(OTHER) }, await fresh()), false);
      // Without the '+' it is the hash of another string.
      await expectVerified(
        await verify({ hashedPhoneNumber: sha256(DEVICE.slice(1)) }, await fresh()),
        false,
      );
    });
  });

  describe('errors', () => {
    // Refused requests leave an NV token unused, so the scenarios below share this one; the
    // last test checks that it still serves.
    let token: string;
    beforeAll(async () => {
      token = await fresh();
    });

    it('@phone_number_verify_400.1_no_request_body', async () => {
      const bare = await fetch(`${s.url}${PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-correlator': CORRELATOR },
      });
      await expectError(bare, { status: 400, code: 'INVALID_ARGUMENT' }, op);
      const typed = await fetch(`${s.url}${PATH}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-correlator': CORRELATOR,
          'content-type': 'application/json',
        },
      });
      await expectError(typed, { status: 400, code: 'INVALID_ARGUMENT' }, op);
    });

    it('@phone_number_verify_400.2_empty_request_body', async () => {
      await expectError(await verify({}, token), { status: 400, code: 'INVALID_ARGUMENT' }, op);
    });

    it('@phone_number_verify_400.3_invalid_request_non_existing_property', async () => {
      const only = await verify({ additional_property: 'foo_value' }, token);
      await expectError(only, { status: 400, code: 'INVALID_ARGUMENT' }, op);
      const extra = await verify({ phoneNumber: DEVICE, extra: 1 }, token);
      await expectError(extra, { status: 400, code: 'INVALID_ARGUMENT' }, op);
    });

    it('@phone_number_verify_400.4_both_phone_number_and_hashed_in_request', async () => {
      const res = await verify({ phoneNumber: DEVICE, hashedPhoneNumber: sha256(DEVICE) }, token);
      await expectError(res, { status: 400, code: 'INVALID_ARGUMENT' }, op);
    });

    it('@phone_number_verify_401.1_no_authorization_header', async () => {
      await expectError(
        await verify({ phoneNumber: DEVICE }, undefined),
        { status: 401, code: 'UNAUTHENTICATED' },
        op,
      );
    });

    // The Worker's clock cannot be moved: expiry is proven on Node.
    if (target.runtime === 'node')
      it('@phone_number_verify_401.2_expired_access_token', async () => {
        const expiring = await fresh(); // NV tokens live 300 s
        // Valid now (a refused body gets past the token check and leaves the token unused) …
        await expectError(await verify({}, expiring), { status: 400, code: 'INVALID_ARGUMENT' }, op);
        // … and refused once the server's clock is past its exp.
        const res = await s.later(301_000, () => verify({ phoneNumber: DEVICE }, expiring));
        await expectError(res, { status: 401, code: 'UNAUTHENTICATED' }, op);
      });

    it('@phone_number_verify_401.3_invalid_access_token', async () => {
      const [header, payload, signature] = (await fresh()).split('.') as [string, string, string];
      const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      const res = await verify({ phoneNumber: DEVICE }, tampered);
      await expectError(res, { status: 401, code: 'UNAUTHENTICATED' }, op);
    });

    it('@phoneNumberVerify_403.1_invalid_token_permissions', async () => {
      const shareOnly = await fresh(`${IDENTITY} ${NV.share}`);
      const res = await verify({ phoneNumber: DEVICE }, shareOnly);
      await expectError(res, { status: 403, code: 'PERMISSION_DENIED' }, op);
    });

    // Naming the subscriber (tel:, or the device address as ipport:) authenticates nobody: amr
    // client_asserted, which is neither network-based nor SIM-based authentication.
    it.each([
      ['CIBA login_hint=tel:', () => s.tokens.ciba(`tel:${DEVICE}`, SCOPE)],
      ['CIBA login_hint=ipport:', () => s.tokens.ciba('ipport:198.51.100.1', SCOPE)],
      ['JWT-bearer sub=tel:', () => s.tokens.jwtBearer(`tel:${DEVICE}`, SCOPE)],
    ])(
      '@phoneNumberVerify_403.2_not_authenticated_using_network_or_sim_based_authentication (%s)',
      async (_, acquire) => {
        const asserted = await acquire();
        expect((await s.deps.tokens.verify(asserted)).amr).toEqual(['client_asserted']);
        await expectError(
          await verify({ phoneNumber: DEVICE }, asserted),
          { status: 403, code: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK' },
          op,
        );
      },
    );

    it.each([
      ['phoneNumber without +', { phoneNumber: '34600000001' }],
      ['phoneNumber with spaces', { phoneNumber: '+34 600 000 001' }],
      ['phoneNumber not a string', { phoneNumber: 34600000001 }],
      ['hashedPhoneNumber too short', { hashedPhoneNumber: sha256(DEVICE).slice(1) }],
      ['hashedPhoneNumber not hex', { hashedPhoneNumber: 'g'.repeat(64) }],
    ])('@phone_number_verify_C02.01_phone_number_not_schema_compliant: %s', async (_, body) => {
      await expectError(await verify(body, token), { status: 400, code: 'INVALID_ARGUMENT' }, op);
    });

    it('refuses a 2-legged token with 403 PERMISSION_DENIED, even where onboarding allowed one', async () => {
      // The sandbox never onboards NV for client credentials; an operator's mistake must not open it.
      const twoLegged = await s.register({ twoLeggedApis: ['number-verification'] });
      const res = await verify({ phoneNumber: DEVICE }, await twoLegged.clientCredentials(SCOPE));
      await expectError(res, { status: 403, code: 'PERMISSION_DENIED' }, op);
    });

    it('the token shared by the refused requests above is still unused', async () => {
      await expectVerified(await verify({ phoneNumber: DEVICE }, token), true);
      const replay = await verify({ phoneNumber: DEVICE }, token);
      await expectError(replay, { status: 401, code: 'UNAUTHENTICATED' }, op);
    });
  });
});
