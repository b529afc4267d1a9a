import { hasAnyScope, isThreeLegged, type AccessContext } from '../../src/auth/access-context.js';
import { ApiError } from '../../src/errors.js';
import {
  isEligible,
  type LookupOptions,
  type NetworkBackend,
  type Subscriber,
} from '../../src/network/port.js';

/**
 * Commonalities Appendix A: who the request is about.
 * - `exclusive` (SIM Swap, subscriptions): the scope cannot confirm identity, so a 3-legged token
 *   plus a body phoneNumber is 422 UNNECESSARY_IDENTIFIER, "whether the identifiers match or not".
 * - `confirm` (KYC Match, Number Verification): a body number must equal the token's, else
 *   403 INVALID_TOKEN_CONTEXT.
 * Both: a 2-legged token without a phoneNumber is 422 MISSING_IDENTIFIER.
 */
export function resolvePhoneNumber(
  access: AccessContext,
  bodyNumber: string | undefined,
  rule: 'exclusive' | 'confirm',
): string {
  if (isThreeLegged(access)) {
    const tokenNumber = access.subscriber as string;
    if (bodyNumber === undefined) return tokenNumber;
    if (rule === 'exclusive') throw new ApiError('UNNECESSARY_IDENTIFIER');
    if (bodyNumber !== tokenNumber) throw new ApiError('INVALID_TOKEN_CONTEXT');
    return tokenNumber;
  }
  if (bodyNumber === undefined) throw new ApiError('MISSING_IDENTIFIER');
  return bodyNumber;
}

/** 403 PERMISSION_DENIED unless the token holds one of the operation's alternative scopes. */
export function requireScope(access: AccessContext, alternatives: readonly string[]): void {
  if (!hasAnyScope(access, alternatives)) throw new ApiError('PERMISSION_DENIED');
}

/** DESIGN §2 step 8: 404 IDENTIFIER_NOT_FOUND, then 422 SERVICE_NOT_APPLICABLE. */
export async function findEligibleSubscriber(
  network: NetworkBackend,
  phoneNumber: string,
  api: string,
  options?: LookupOptions,
): Promise<Subscriber> {
  const subscriber = await network.findSubscriber(phoneNumber, options);
  if (subscriber === null) throw new ApiError('IDENTIFIER_NOT_FOUND');
  if (!isEligible(subscriber, api)) throw new ApiError('SERVICE_NOT_APPLICABLE');
  return subscriber;
}
