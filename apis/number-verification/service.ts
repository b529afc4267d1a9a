import { isThreeLegged, type AccessContext } from '../../src/auth/access-context.js';
import { sha256Hex } from '../../src/hash.js';
import { ApiError } from '../../src/errors.js';
import { NV_ERRORS, nvError } from './errors.js';

/**
 * Number Verification 2.1.0 business rules (SPEC-DIGEST §4, §7.8). Pure: no HTTP, no storage.
 * The subject is always the token's subscriber: NV has no identifier to resolve and no lookup.
 */

/**
 * Authentication methods that prove possession of the line (RFC 8176 `amr` values of this
 * platform): network-based authentication, and a GSMA TS.43 operator token.
 */
export const MOBILE_NETWORK_AMR = ['nba', 'operatortoken'] as const;

/** What the declared purpose allows; purpose-based minimisation turns `hashedOnly` on. */
export type NumberVerificationPolicy = {
  /** Only hashedPhoneNumber is accepted and the number is never disclosed in clear. */
  hashedOnly: boolean;
};

export const DEFAULT_POLICY: NumberVerificationPolicy = { hashedOnly: false };

/**
 * NV is 3-legged only, through mobile-network authentication: a 2-legged token is refused with
 * 403 PERMISSION_DENIED (SPEC-DIGEST §8.1), any other authentication with the API's own 403.
 * Returns the device's number.
 */
export function authenticatedDeviceNumber(access: AccessContext): string {
  if (!isThreeLegged(access)) throw new ApiError('PERMISSION_DENIED');
  if (!access.amr.some((method) => (MOBILE_NETWORK_AMR as readonly string[]).includes(method))) {
    throw nvError(NV_ERRORS.notAuthenticatedByMobileNetwork);
  }
  return access.subscriber as string;
}

export type VerifyInput = { phoneNumber?: string | undefined; hashedPhoneNumber?: string | undefined };

/** phoneNumberVerify: does the number sent (plain, or SHA-256 hex of the E.164 form) match? */
export async function verifyPhoneNumber(
  deviceNumber: string,
  input: VerifyInput,
  policy: NumberVerificationPolicy,
): Promise<boolean> {
  if (input.hashedPhoneNumber !== undefined) {
    // The hash covers the E.164 number with its leading '+'; hex compared case-insensitively.
    return input.hashedPhoneNumber.toLowerCase() === sha256Hex(deviceNumber);
  }
  // Hashed-only purpose: the number never travels in clear (403 like any purpose refusal).
  if (policy.hashedOnly) throw new ApiError('PERMISSION_DENIED');
  return input.phoneNumber === deviceNumber;
}

/** phoneNumberShare: the device's number, unless the purpose forbids disclosing it in clear. */
export function shareDevicePhoneNumber(deviceNumber: string, policy: NumberVerificationPolicy): string {
  if (policy.hashedOnly) throw new ApiError('PERMISSION_DENIED');
  return deviceNumber;
}
