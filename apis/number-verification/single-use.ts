import type { AccessContext } from '../../src/auth/access-context.js';
import { spendAccessToken } from '../../src/auth/revocation.js';
import type { Deps } from '../../src/deps.js';
import { ApiError } from '../../src/errors.js';

/** Kept past `exp` by this margin, so that an instance whose clock lags cannot accept a replay. */
const SKEW_MARGIN_MS = 60_000;

/**
 * NV access tokens are single use (DESIGN §3; NumberVerification main: "single-use token").
 * The token is spent only by a successful call, in one atomic store write that also revokes it:
 * a request refused with 400 or 403 leaves it usable; once spent, the token is refused on every
 * API (401 UNAUTHENTICATED) and introspection answers `{"active": false}`.
 */
export async function consumeToken(store: Deps['store'], access: AccessContext, now: number): Promise<void> {
  if (!(await spendAccessToken(store, access, now, SKEW_MARGIN_MS))) {
    throw new ApiError('UNAUTHENTICATED', undefined, {
      'WWW-Authenticate': 'Bearer realm="camara", error="invalid_token"',
    });
  }
}
