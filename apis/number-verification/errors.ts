import { apiErrors, type ErrorTable } from '../../src/errors.js';

/** Number Verification API-specific codes. */
export const NV_ERRORS = {
  notAuthenticatedByMobileNetwork: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
} as const;

/** Their status and example message, as in number-verification.yaml 2.1.0 (the module's `errors`). */
export const NV_ERROR_TABLE = {
  [NV_ERRORS.notAuthenticatedByMobileNetwork]: [
    403,
    'Client must authenticate via the mobile network to use this service',
  ],
} as const satisfies ErrorTable;

export const nvError = apiErrors(NV_ERROR_TABLE);
