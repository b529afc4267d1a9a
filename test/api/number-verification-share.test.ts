import { beforeEach, describe, expect, it } from 'vitest';
import { NumberVerificationShareResponse } from '../../apis/number-verification/routes.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { CORRELATOR, expectError, get } from '../support/requests.js';
import { acquireToken, expiredToken, invalidToken, type Flow } from '../support/tokens.js';

/** Number Verification 2.1.0 phoneNumberShare (TEST-PLAN §5). */

const PATH = '/number-verification/v2/device-phone-number';
const DEVICE = '+34600000010';
const SHARE = ['number-verification:device-phone-number:read'];

let platform: TestPlatform;
const token = (flow: Flow = 'networkBased', scopes: readonly string[] = SHARE) =>
  acquireToken(platform, { flow, scopes, ...(flow === 'clientCredentials' ? {} : { subscriber: DEVICE }) });

async function expectShared(res: Response, number: string): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
  const body: unknown = await res.json();
  expect(NumberVerificationShareResponse.strict().safeParse(body).success).toBe(true);
  expect(body).toEqual({ devicePhoneNumber: number });
}

beforeEach(async () => {
  platform = await testPlatform();
});

describe('Number Verification device-phone-number', () => {
  it('@phone_number_share_01_generic_success_scenario', async () => {
    await expectShared(await get(platform.app, PATH, await token()), DEVICE);
  });

  it.each(['networkBased', 'operatorToken'] as const)(
    '@phone_number_share_02_success_scenario (%s)',
    async (flow) => {
      await expectShared(await get(platform.app, PATH, await token(flow)), DEVICE);
    },
  );

  it('@phone_number_verify_401.1_no_authorization_header (share)', async () => {
    await expectError(await get(platform.app, PATH, undefined), 401, 'UNAUTHENTICATED');
  });

  it('@phone_number_verify_401.2_expired_access_token (share)', async () => {
    const t = await expiredToken(platform, { flow: 'networkBased', subscriber: DEVICE, scopes: SHARE });
    await expectError(await get(platform.app, PATH, t), 401, 'UNAUTHENTICATED');
  });

  it('@phone_number_verify_401.3_invalid_access_token (share)', async () => {
    const t = await invalidToken(platform, { flow: 'networkBased', subscriber: DEVICE, scopes: SHARE });
    await expectError(await get(platform.app, PATH, t), 401, 'UNAUTHENTICATED');
  });

  it('@phoneNumberShare_403.1_invalid_token_permissions', async () => {
    const t = await token('networkBased', ['number-verification:verify']);
    await expectError(await get(platform.app, PATH, t), 403, 'PERMISSION_DENIED');
  });

  it.each(['telHint', 'smsOtp', 'password'] as const)(
    '@phoneNumberShare_403.2_not_authenticated_using_network_or_sim_based_authentication (%s)',
    async (flow) => {
      await expectError(
        await get(platform.app, PATH, await token(flow)),
        403,
        'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
      );
    },
  );

  it('refuses a 2-legged token with 403 PERMISSION_DENIED (NV is 3-legged only)', async () => {
    await expectError(
      await get(platform.app, PATH, await token('clientCredentials')),
      403,
      'PERMISSION_DENIED',
    );
  });

  it('answers 405 with Allow for another method on the share path', async () => {
    const res = await post(platform.app, PATH, {}, await token());
    await expectError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET');
  });
});
