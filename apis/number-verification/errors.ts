import { registerApiErrorCode } from '../../src/errors.js';

/** Number Verification API-specific codes, as in number-verification.yaml 2.1.0. */
export const NV_ERRORS = {
  notAuthenticatedByMobileNetwork: 'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
} as const;

registerApiErrorCode(
  NV_ERRORS.notAuthenticatedByMobileNetwork,
  403,
  'Client must authenticate via the mobile network to use this service',
);
