import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES, PurposeRegistry } from '../../src/consent/purposes.js';
import { ApiError } from '../../src/errors.js';
import {
  assertKycFieldsAllowed,
  assertNumberVerificationAllowed,
  effectiveSimSwapPolicy,
  KYC_FIELDS,
  onlyFields,
  policyFor,
} from '../../src/privacy/policies.js';

const registry = new PurposeRegistry(DEFAULT_PURPOSES, undefined);

const denied = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toBody()).toEqual({
      status: 403,
      code: 'PERMISSION_DENIED',
      message: 'Client does not have sufficient permissions to perform this action.',
    });
    return;
  }
  throw new Error('expected 403 PERMISSION_DENIED');
};

describe('policyFor (the contract KYC Match, Number Verification and SIM Swap rely on)', () => {
  it("returns the purpose's policy for an API it covers", () => {
    expect(policyFor(registry, 'dpv:CreditChecking', 'sim-swap')).toEqual({
      maxAgeHours: 720,
      monitoredDays: 30,
    });
    expect(policyFor(registry, 'dpv:CreditChecking', 'kyc-match').fields).toEqual([
      'name',
      'givenName',
      'familyName',
      'address',
      'postalCode',
      'birthdate',
    ]);
    expect(policyFor(registry, 'dpv:FraudPreventionAndDetection', 'number-verification')).toEqual({
      hashedOnly: true,
    });
    expect(policyFor(registry, 'dpv:IdentityVerification', 'number-verification')).toEqual({
      hashedOnly: false,
    });
  });

  it('falls back to the neutral policy when the purpose covers the API without one', () => {
    expect(policyFor(registry, 'dpv:FraudPreventionAndDetection', 'sim-swap')).toEqual({});
  });

  it('refuses with 403 PERMISSION_DENIED for no purpose, an unknown purpose or an API outside the purpose', () => {
    denied(() => policyFor(registry, undefined, 'sim-swap'));
    denied(() => policyFor(registry, 'dpv:Unknown', 'sim-swap'));
    denied(() => policyFor(registry, 'dpv:IdentityVerification', 'sim-swap'));
  });
});

describe('SIM Swap: the stricter of market and purpose', () => {
  it('caps maxAge and the disclosure window', () => {
    expect(effectiveSimSwapPolicy({ maxAgeCapHours: 2400, monitoredDays: undefined }, {})).toEqual({
      maxAgeCapHours: 2400,
      monitoredDays: undefined,
    });
    expect(
      effectiveSimSwapPolicy(
        { maxAgeCapHours: 2400, monitoredDays: 120 },
        { maxAgeHours: 720, monitoredDays: 30 },
      ),
    ).toEqual({ maxAgeCapHours: 720, monitoredDays: 30 });
    expect(
      effectiveSimSwapPolicy(
        { maxAgeCapHours: 240, monitoredDays: 10 },
        { maxAgeHours: 720, monitoredDays: 30 },
      ),
    ).toEqual({ maxAgeCapHours: 240, monitoredDays: 10 });
  });
});

describe('KYC Match field policy', () => {
  const policy = { fields: ['name', 'birthdate'] as const };

  it('accepts the fields of the purpose, phoneNumber and absent values', () => {
    assertKycFieldsAllowed(policy, { phoneNumber: '+34600000010', name: 'A', birthdate: '1990-01-01' });
    assertKycFieldsAllowed(policy, { name: 'A', email: undefined });
  });

  it('refuses any other field with a message that names no field and no data', () => {
    denied(() => assertKycFieldsAllowed(policy, { name: 'A', idDocument: 'X123' }));
    denied(() => assertKycFieldsAllowed({ fields: [] }, { name: 'A' }));
  });

  it('knows every KYC Match 0.4.0 attribute', () => {
    expect(KYC_FIELDS).toHaveLength(24);
  });
});

describe('Number Verification hashed-only mode', () => {
  it('allows a hashed verify and refuses a clear number and the share operation', () => {
    const hashed = { hashedOnly: true };
    assertNumberVerificationAllowed(hashed, { kind: 'verify' });
    denied(() => assertNumberVerificationAllowed(hashed, { kind: 'verify', phoneNumber: '+34600000001' }));
    denied(() => assertNumberVerificationAllowed(hashed, { kind: 'share' }));
  });

  it('allows everything when off', () => {
    assertNumberVerificationAllowed({ hashedOnly: false }, { kind: 'verify', phoneNumber: '+34600000001' });
    assertNumberVerificationAllowed({ hashedOnly: false }, { kind: 'share' });
  });
});

describe('onlyFields', () => {
  it('drops every key that was not asked for', () => {
    expect(onlyFields({ nameMatch: 'true', emailMatch: 'false', extra: 1 }, ['nameMatch'])).toEqual({
      nameMatch: 'true',
    });
  });
});
