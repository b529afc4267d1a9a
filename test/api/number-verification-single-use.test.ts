import { beforeEach, describe, expect, it } from 'vitest';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { expectError, get } from '../support/requests.js';
import { acquireToken } from '../support/tokens.js';

/**
 * DESIGN §3: Number Verification tokens are single use. The token is consumed by a successful
 * call only (docs/number-verification.md); refused calls leave it usable.
 */

const VERIFY = '/number-verification/v2/verify';
const SHARE = '/number-verification/v2/device-phone-number';
const DEVICE = '+34600000001';
const BOTH = ['number-verification:verify', 'number-verification:device-phone-number:read'];

let platform: TestPlatform;
const token = (scopes: readonly string[] = BOTH) =>
  acquireToken(platform, { flow: 'networkBased', subscriber: DEVICE, scopes });

beforeEach(async () => {
  platform = await testPlatform();
});

describe('Number Verification single-use tokens', () => {
  it('refuses a second verify with the same token: 401 UNAUTHENTICATED', async () => {
    const t = await token();
    expect((await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t)).status).toBe(200);
    const replay = await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t);
    await expectError(replay, 401, 'UNAUTHENTICATED');
    expect(replay.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
  });

  it('a false verification consumes the token too', async () => {
    const t = await token();
    expect(await (await post(platform.app, VERIFY, { phoneNumber: '+34600000010' }, t)).json()).toEqual({
      devicePhoneNumberVerified: false,
    });
    await expectError(await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t), 401, 'UNAUTHENTICATED');
  });

  it('one use across both operations: share after verify is refused', async () => {
    const t = await token();
    expect((await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t)).status).toBe(200);
    await expectError(await get(platform.app, SHARE, t), 401, 'UNAUTHENTICATED');
  });

  it('refuses a second share with the same token', async () => {
    const t = await token();
    expect((await get(platform.app, SHARE, t)).status).toBe(200);
    await expectError(await get(platform.app, SHARE, t), 401, 'UNAUTHENTICATED');
  });

  it('a 400 does not consume the token', async () => {
    const t = await token();
    await expectError(await post(platform.app, VERIFY, {}, t), 400, 'INVALID_ARGUMENT');
    expect((await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t)).status).toBe(200);
  });

  it('a 403 does not consume the token', async () => {
    const t = await token(['number-verification:device-phone-number:read']);
    await expectError(await post(platform.app, VERIFY, { phoneNumber: DEVICE }, t), 403, 'PERMISSION_DENIED');
    expect((await get(platform.app, SHARE, t)).status).toBe(200);
  });

  it('remembers the use until the token expires, then forgets it', async () => {
    const t = await acquireToken(platform, {
      flow: 'networkBased',
      subscriber: DEVICE,
      scopes: BOTH,
      ttlSeconds: 300,
    });
    expect((await get(platform.app, SHARE, t)).status).toBe(200);
    platform.clock.advance(299_000);
    await expectError(await get(platform.app, SHARE, t), 401, 'UNAUTHENTICATED');
    // Past exp the token itself is invalid, so the marker can go (kept one skew margin longer).
    platform.clock.advance(62_000);
    expect(await platform.deps.store.get(`at-used:${decodeJti(t)}`)).toBeNull();
    await expectError(await get(platform.app, SHARE, t), 401, 'UNAUTHENTICATED');
  });
});

function decodeJti(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as {
    jti: string;
  };
  return payload.jti;
}
