import { describe, expect, it } from 'vitest';
import {
  checkIdDocument,
  checkParamCombination,
  KYC_FIELDS,
  matchKyc,
  matchScore,
  type KycMatchPolicy,
} from '../../apis/kyc-match/service.js';
import { kycError } from '../../apis/kyc-match/errors.js';
import { ApiError } from '../../src/errors.js';
import type { KycRecord } from '../../src/network/port.js';

const RECORD: KycRecord = {
  idDocument: '66666666q',
  givenName: 'Federica',
  familyName: 'Sanchez Arjona',
  middleNames: '',
  birthdate: '1978-08-22',
  gender: 'FEMALE',
};
const POLICY: KycMatchPolicy = { idDocumentRequired: false, scores: true };

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.code}` : String(e);
  }
  return undefined;
};

describe('KYC Match service', () => {
  it('scores exactly the 14 fields of the spec', () => {
    expect(
      Object.entries(KYC_FIELDS)
        .filter(([, f]) => f.scored)
        .map(([name]) => name),
    ).toEqual([
      'name',
      'givenName',
      'familyName',
      'nameKanaHankaku',
      'nameKanaZenkaku',
      'middleNames',
      'familyNameAtBirth',
      'address',
      'streetName',
      'streetNumber',
      'region',
      'locality',
      'email',
      'cityOfBirth',
    ]);
    expect(Object.keys(KYC_FIELDS)).toHaveLength(24);
  });

  it('answers only the fields sent; not_available for absent or empty attributes', () => {
    expect(
      matchKyc(
        { phoneNumber: '+34600000010', givenName: 'federica', middleNames: 'x', email: 'a@b.c' },
        RECORD,
        POLICY,
      ),
    ).toEqual({ givenNameMatch: 'true', middleNamesMatch: 'not_available', emailMatch: 'not_available' });
  });

  it('without a KYC record every field is not_available', () => {
    expect(matchKyc({ givenName: 'x', gender: 'MALE' }, undefined, POLICY)).toEqual({
      givenNameMatch: 'not_available',
      genderMatch: 'not_available',
    });
  });

  it('gives a score only beside a false of a scored field', () => {
    expect(matchKyc({ familyName: 'Sanches Arjona', gender: 'MALE' }, RECORD, POLICY)).toEqual({
      familyNameMatch: 'false',
      familyNameMatchScore: 97,
      genderMatch: 'false',
    });
  });

  it('caps the score at 99: 100 is reserved for a true match', () => {
    const long = 'a'.repeat(200);
    expect(matchScore(`${long}b`, `${long}c`)).toBe(99);
    expect(matchScore('federico', 'federica')).toBe(95);
    expect(matchScore('fly', 'ant')).toBe(0);
  });

  it('scores: false omits them', () => {
    expect(matchKyc({ givenName: 'Federico' }, RECORD, { ...POLICY, scores: false })).toEqual({
      givenNameMatch: 'false',
    });
  });

  it('verifiableFields (purpose-based minimisation): a field outside them is 403 PERMISSION_DENIED', () => {
    const policy = { ...POLICY, verifiableFields: new Set(['birthdate'] as const) };
    expect(matchKyc({ birthdate: '1978-08-22' }, RECORD, policy)).toEqual({ birthdateMatch: 'true' });
    expect(codeOf(() => matchKyc({ givenName: 'Federica', birthdate: '1978-08-22' }, RECORD, policy))).toBe(
      '403 PERMISSION_DENIED',
    );
  });

  it('param combination: at least one field besides phoneNumber', () => {
    expect(codeOf(() => checkParamCombination({ phoneNumber: '+34600000010' }))).toBe(
      '400 KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
    );
    expect(codeOf(() => checkParamCombination({ phoneNumber: '+34600000010', name: '' }))).toBeUndefined();
  });

  it('idDocument second-level validation, only when the operator requires it', () => {
    const required = { ...POLICY, idDocumentRequired: true };
    expect(codeOf(() => checkIdDocument({ name: 'x' }, RECORD, POLICY))).toBeUndefined();
    expect(codeOf(() => checkIdDocument({ name: 'x' }, RECORD, required))).toBe(
      '403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED',
    );
    expect(codeOf(() => checkIdDocument({ idDocument: '66666666X' }, RECORD, required))).toBe(
      '403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
    );
    expect(codeOf(() => checkIdDocument({ idDocument: '66666666-Q' }, RECORD, required))).toBeUndefined();
    expect(codeOf(() => checkIdDocument({ idDocument: '66666666Q' }, {}, required))).toBe(
      '403 KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
    );
  });

  it('the error messages are the examples of kyc-match.yaml', () => {
    expect(kycError('KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED').message).toBe(
      'The idDocument is required to perform the properties validation',
    );
  });
});
