import { apiErrors, type ErrorTable } from '../../src/errors.js';

/** Consent Info API-specific codes (ConsentInfo 0.2.0-rc.2). */
export const CONSENT_INFO_CODES = {
  notAllowed: 'CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE',
  captureFrequency: 'CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED',
} as const;

/** Their status and message (the module's `errors`). */
export const CONSENT_INFO_ERROR_TABLE = {
  [CONSENT_INFO_CODES.notAllowed]: [
    403,
    'The requested scope(s) and Purpose combination is not allowed for this API Consumer.',
  ],
  [CONSENT_INFO_CODES.captureFrequency]: [
    403,
    'The frequency of consent capture requests has been exceeded. Please try again later.',
  ],
} as const satisfies ErrorTable;

export const consentInfoError = apiErrors(CONSENT_INFO_ERROR_TABLE);
