import { jwtVerify, type JWTPayload } from 'jose';
import type { Application } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { ASSERTION_ALGS, checkAssertionTimes, CLOCK_SKEW_S } from './assertion-rules.js';
import { clientKeys } from './client-keys.js';

const MAX_JTI_LENGTH = 256;

/** A signed JWT from a client that failed verification; callers map it to their own error code. */
export class SignedJwtError extends Error {
  override readonly name = 'SignedJwtError';
}

/**
 * Verifies a JWT the client signed with one of its registered keys (RFC 7523 grant
 * assertions, RFC 9101 request objects): asymmetric algorithms only (never `none` or HS*), a known
 * key, iss = client_id, an accepted `aud`, and the ICM lifetime rules: iat, exp and jti required,
 * exp ≤ now + 300 s, exp − iat ≤ 300 s, iat not in the future, jti single use.
 */
export async function verifyClientSignedJwt(
  deps: Deps,
  app: Application,
  jwt: string,
  options: { audiences: readonly string[]; jtiNamespace: string },
): Promise<JWTPayload> {
  let keys;
  try {
    keys = clientKeys(deps, app);
  } catch (cause) {
    throw new SignedJwtError('no registered keys', { cause });
  }
  const now = deps.clock.now() / 1000;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(jwt, keys, {
      issuer: app.clientId,
      audience: [...options.audiences],
      algorithms: ASSERTION_ALGS,
      currentDate: new Date(now * 1000),
      // For nbf; exp is re-checked without tolerance below (the rules of client assertions).
      clockTolerance: CLOCK_SKEW_S,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
    }));
  } catch (cause) {
    throw new SignedJwtError('signature or claims invalid', { cause });
  }
  const exp = payload.exp as number;
  // ICM §7.3: reject when expired, exp > receipt + 300 s, exp − iat > 300 s, or iat is in the future.
  const problem = checkAssertionTimes(payload, now);
  if (problem !== undefined) throw new SignedJwtError(problem);
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw new SignedJwtError('bad jti');
  // RFC 7523 §3 / ICM: the jti is single use for as long as the JWT could be accepted.
  const fresh = await deps.store.setIfAbsent(
    `${options.jtiNamespace}:${app.clientId}:${jti}`,
    '1',
    Math.max(1000, (exp - now) * 1000 + 5000),
  );
  if (!fresh) throw new SignedJwtError('replayed');
  return payload;
}
