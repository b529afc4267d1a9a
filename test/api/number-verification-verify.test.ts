import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { NumberVerificationMatchResponse } from '../../apis/number-verification/routes.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { CORRELATOR, expectError } from '../support/requests.js';
import { acquireToken, expiredToken, invalidToken, type Flow } from '../support/tokens.js';

/** Number Verification 2.1.0 phoneNumberVerify (TEST-PLAN §4); sandbox data in docs/number-verification.md. */

const PATH = '/number-verification/v2/verify';
const DEVICE = '+34600000001';
const OTHER = '+34600000010';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let platform: TestPlatform;
const token = (flow: Flow = 'networkBased', scopes: string[] = ['number-verification:verify']) =>
  acquireToken(platform, { flow, scopes, ...(flow === 'clientCredentials' ? {} : { subscriber: DEVICE }) });
const verify = async (body: unknown, t?: string) => post(platform.app, PATH, body, t ?? (await token()));

async function expectVerified(res: Response, expected: boolean): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
  const body: unknown = await res.json();
  expect(NumberVerificationMatchResponse.strict().safeParse(body).success).toBe(true);
  expect(body).toEqual({ devicePhoneNumberVerified: expected });
}

beforeEach(async () => {
  platform = await testPlatform();
});

describe('Number Verification verify: success', () => {
  it('@phone_number_verify_01_generic_success_scenario', async () => {
    await expectVerified(await verify({ phoneNumber: DEVICE }), true);
  });

  it.each(['networkBased', 'operatorToken'] as const)(
    '@phone_number_verify.02_validate_phone_number_success_true (%s)',
    async (flow) => {
      await expectVerified(await verify({ phoneNumber: DEVICE }, await token(flow)), true);
    },
  );

  it('@phone_number_verify.03_validate_phone_number_success_false', async () => {
    await expectVerified(await verify({ phoneNumber: OTHER }), false);
  });

  it('@phone_number_verify.04_validate_hashed_phone_number_success_true (lower and upper case hex)', async () => {
    // SHA-256 of the E.164 number with its '+' (the value published in docs/number-verification.md).
    expect(sha256(DEVICE)).toBe('eb491b384e4fda4281634daa211e6e54a4cf7f82baa33a9f35980329e4ad95f3');
    await expectVerified(await verify({ hashedPhoneNumber: sha256(DEVICE) }), true);
    await expectVerified(await verify({ hashedPhoneNumber: sha256(DEVICE).toUpperCase() }), true);
  });

  it('@phone_number_verify.05_validate_hashed_phone_number_success_false', async () => {
    await expectVerified(await verify({ hashedPhoneNumber: sha256(OTHER) }), false);
    // Without the '+' it is the hash of another string.
    await expectVerified(await verify({ hashedPhoneNumber: sha256(DEVICE.slice(1)) }), false);
  });
});

describe('Number Verification verify: errors', () => {
  it('@phone_number_verify_400.1_no_request_body', async () => {
    const t = await token();
    const bare = await platform.app.request(PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'x-correlator': CORRELATOR },
    });
    await expectError(bare, 400, 'INVALID_ARGUMENT');
    const typed = await platform.app.request(PATH, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t}`,
        'x-correlator': CORRELATOR,
        'content-type': 'application/json',
      },
    });
    await expectError(typed, 400, 'INVALID_ARGUMENT');
  });

  it('@phone_number_verify_400.2_empty_request_body', async () => {
    await expectError(await verify({}), 400, 'INVALID_ARGUMENT');
  });

  it('@phone_number_verify_400.3_invalid_request_non_existing_property', async () => {
    await expectError(await verify({ additional_property: 'foo_value' }), 400, 'INVALID_ARGUMENT');
    await expectError(await verify({ phoneNumber: DEVICE, extra: 1 }), 400, 'INVALID_ARGUMENT');
  });

  it('@phone_number_verify_400.4_both_phone_number_and_hashed_in_request', async () => {
    const res = await verify({ phoneNumber: DEVICE, hashedPhoneNumber: sha256(DEVICE) });
    await expectError(res, 400, 'INVALID_ARGUMENT');
  });

  it('@phone_number_verify_401.1_no_authorization_header', async () => {
    await expectError(
      await post(platform.app, PATH, { phoneNumber: DEVICE }, undefined),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('@phone_number_verify_401.2_expired_access_token', async () => {
    const t = await expiredToken(platform, {
      flow: 'networkBased',
      subscriber: DEVICE,
      scopes: ['number-verification:verify'],
    });
    await expectError(await verify({ phoneNumber: DEVICE }, t), 401, 'UNAUTHENTICATED');
  });

  it('@phone_number_verify_401.3_invalid_access_token', async () => {
    const t = await invalidToken(platform, {
      flow: 'networkBased',
      subscriber: DEVICE,
      scopes: ['number-verification:verify'],
    });
    await expectError(await verify({ phoneNumber: DEVICE }, t), 401, 'UNAUTHENTICATED');
  });

  it('@phoneNumberVerify_403.1_invalid_token_permissions', async () => {
    const t = await token('networkBased', ['number-verification:device-phone-number:read']);
    await expectError(await verify({ phoneNumber: DEVICE }, t), 403, 'PERMISSION_DENIED');
  });

  it.each(['telHint', 'smsOtp', 'password'] as const)(
    '@phoneNumberVerify_403.2_not_authenticated_using_network_or_sim_based_authentication (%s)',
    async (flow) => {
      await expectError(
        await verify({ phoneNumber: DEVICE }, await token(flow)),
        403,
        'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
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
    await expectError(await verify(body), 400, 'INVALID_ARGUMENT');
  });

  it('refuses a 2-legged token with 403 PERMISSION_DENIED (NV is 3-legged only)', async () => {
    const t = await token('clientCredentials');
    await expectError(await verify({ phoneNumber: DEVICE }, t), 403, 'PERMISSION_DENIED');
  });
});
