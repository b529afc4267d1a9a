import { apiErrors, type ErrorTable } from '../../src/errors.js';

/** KYC Match API-specific codes. */
export const KYC_ERRORS = {
  invalidParamCombination: 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
  idDocumentRequired: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED',
  idDocumentMismatch: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
} as const;

/** Their status and example message, as in kyc-match.yaml 0.4.0 (the module's `errors`). */
export const KYC_ERROR_TABLE = {
  [KYC_ERRORS.invalidParamCombination]: [400, 'Indicated parameter combination is invalid'],
  [KYC_ERRORS.idDocumentRequired]: [403, 'The idDocument is required to perform the properties validation'],
  [KYC_ERRORS.idDocumentMismatch]: [
    403,
    'The idDocument needs to match the one associated with the provided phoneNumber',
  ],
} as const satisfies ErrorTable;

export const kycError = apiErrors(KYC_ERROR_TABLE);
