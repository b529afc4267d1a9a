import { registerApiErrorCode } from '../../src/errors.js';

/** KYC Match API-specific codes with the status and example message of kyc-match.yaml 0.4.0. */
export const KYC_ERRORS = {
  invalidParamCombination: 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
  idDocumentRequired: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED',
  idDocumentMismatch: 'KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH',
} as const;

registerApiErrorCode(KYC_ERRORS.invalidParamCombination, 400, 'Indicated parameter combination is invalid');
registerApiErrorCode(
  KYC_ERRORS.idDocumentRequired,
  403,
  'The idDocument is required to perform the properties validation',
);
registerApiErrorCode(
  KYC_ERRORS.idDocumentMismatch,
  403,
  'The idDocument needs to match the one associated with the provided phoneNumber',
);
