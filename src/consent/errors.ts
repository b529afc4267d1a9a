import { ApiError, apiErrors } from '../errors.js';

/**
 * Refusals of the consent platform (capture, decisions, imports, withdrawals). Each has a stable
 * code and a message that says what is wrong without revealing anything about a subscriber.
 */
const CONSENT_ERRORS = {
  'CONSENT.UNKNOWN_APPLICATION': [400, 'The application is not registered.'],
  'CONSENT.UNKNOWN_PURPOSE': [400, 'The purpose is not in the purpose registry.'],
  'CONSENT.PURPOSE_NOT_ALLOWED': [
    403,
    'The application is not onboarded for this purpose, or the scopes exceed what the purpose allows.',
  ],
  'CONSENT.BASIS_MISMATCH': [409, 'The legal basis of the purpose in this market does not allow this.'],
  'CONSENT.NOTHING_TO_WITHDRAW': [404, 'There is no consent to withdraw for this application and purpose.'],
  'CONSENT.REQUEST_NOT_FOUND': [404, 'The consent request does not exist.'],
  'CONSENT.ALREADY_DECIDED': [409, 'The consent request has already been answered or withdrawn.'],
  'CONSENT.REQUEST_EXPIRED': [410, 'The consent request has expired.'],
  'CONSENT.SUBSCRIBER_MISMATCH': [403, 'The consent request belongs to another subscriber.'],
  'CONSENT.TOO_MANY_REQUESTS': [
    429,
    'Too many consent requests to this subscriber from this application today. Try again later.',
  ],
} as const satisfies Record<string, readonly [number, string]>;

export type ConsentErrorCode = keyof typeof CONSENT_ERRORS;

export const consentError: (code: ConsentErrorCode, message?: string) => ApiError = apiErrors(CONSENT_ERRORS);

export const isConsentError = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.code.startsWith('CONSENT.');
