import type { AccessContext } from '../../src/auth/access-context.js';
import { ApiError } from '../../src/errors.js';
import type { Store } from '../../src/store/port.js';

/** Kept past `exp` by this margin, so that an instance whose clock lags cannot accept a replay. */
const SKEW_MARGIN_MS = 60_000;

export const usedTokenKey = (jti: string) => `at-used:${jti}`;

/**
 * NV access tokens are single use (DESIGN §3; NumberVerification main: "single-use token").
 * The token is consumed only by a successful call, in one atomic store write: a request refused
 * with 400 or 403 leaves it usable, a second successful call with it gets 401 UNAUTHENTICATED.
 */
export async function consumeToken(store: Store, access: AccessContext, now: number): Promise<void> {
  const ttl = Math.max(1000, access.exp * 1000 - now + SKEW_MARGIN_MS);
  if (!(await store.setIfAbsent(usedTokenKey(access.jti), '1', ttl))) {
    throw new ApiError('UNAUTHENTICATED', undefined, {
      'WWW-Authenticate': 'Bearer realm="camara", error="invalid_token"',
    });
  }
}
