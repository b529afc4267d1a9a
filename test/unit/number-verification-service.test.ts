import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticatedDeviceNumber,
  shareDevicePhoneNumber,
  verifyPhoneNumber,
} from '../../apis/number-verification/service.js';
import type { AccessContext } from '../../src/auth/access-context.js';
import { ApiError } from '../../src/errors.js';

const DEVICE = '+34600000001';
const access = (over: Partial<AccessContext>): AccessContext => ({
  clientId: 'demo-app',
  scopes: new Set(['number-verification:verify']),
  purpose: 'dpv:IdentityVerification',
  subscriber: DEVICE,
  amr: ['nba'],
  jti: 'j',
  exp: 2_000_000_000,
  iat: 1_999_999_000,
  ...over,
});
const codeOf = async (fn: () => unknown): Promise<string | undefined> => {
  try {
    await fn();
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.code}` : String(e);
  }
  return undefined;
};

describe('Number Verification service', () => {
  it('accepts network-based and TS.43 authentication, alone or with other methods', () => {
    expect(authenticatedDeviceNumber(access({ amr: ['nba'] }))).toBe(DEVICE);
    expect(authenticatedDeviceNumber(access({ amr: ['operatortoken'] }))).toBe(DEVICE);
    expect(authenticatedDeviceNumber(access({ amr: ['pwd', 'nba'] }))).toBe(DEVICE);
  });

  it('refuses 2-legged tokens and other authentication methods', async () => {
    expect(await codeOf(() => authenticatedDeviceNumber(access({ subscriber: undefined })))).toBe(
      '403 PERMISSION_DENIED',
    );
    for (const amr of [[], ['sms', 'otp'], ['pwd'], ['mnba'], ['NBA']]) {
      expect(await codeOf(() => authenticatedDeviceNumber(access({ amr })))).toBe(
        '403 NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
      );
    }
  });

  it('verifies plain and hashed numbers', async () => {
    const hash = createHash('sha256').update(DEVICE).digest('hex');
    const policy = { hashedOnly: false };
    expect(await verifyPhoneNumber(DEVICE, { phoneNumber: DEVICE }, policy)).toBe(true);
    expect(await verifyPhoneNumber(DEVICE, { phoneNumber: '+34600000002' }, policy)).toBe(false);
    expect(await verifyPhoneNumber(DEVICE, { hashedPhoneNumber: hash.toUpperCase() }, policy)).toBe(true);
  });

  it('hashed-only policy: no plain number in, none out', async () => {
    const policy = { hashedOnly: true };
    const hash = createHash('sha256').update(DEVICE).digest('hex');
    expect(await verifyPhoneNumber(DEVICE, { hashedPhoneNumber: hash }, policy)).toBe(true);
    expect(await codeOf(() => verifyPhoneNumber(DEVICE, { phoneNumber: DEVICE }, policy))).toBe(
      '403 PERMISSION_DENIED',
    );
    expect(await codeOf(() => shareDevicePhoneNumber(DEVICE, policy))).toBe('403 PERMISSION_DENIED');
    expect(shareDevicePhoneNumber(DEVICE, { hashedOnly: false })).toBe(DEVICE);
  });
});
