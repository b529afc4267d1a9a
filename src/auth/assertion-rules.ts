/**
 * The rules of the JWTs a client signs (client assertions, JWT-bearer grant assertions, request
 * objects): accepted algorithms and time limits (ICM §7.3), shared by client-auth.ts and
 * signed-jwt.ts.
 */

import { createLocalJWKSet, type JWK } from 'jose';

/** ICM: the assertion lifetime is at most 300 s. */
export const MAX_ASSERTION_LIFETIME_S = 300;
/**
 * How far ahead of this server's clock a client's `iat` and `nbf` may be. Clients stamp
 * iat = nbf = their own now (openid-client does), so a client clock a second fast must not fail.
 * Never applied to `exp`: an expired JWT is refused to the second (RFC 7519 §4.1.4).
 */
export const CLOCK_SKEW_S = 5;
/** Asymmetric algorithms only: never `none` nor HS* (a public key is no secret). */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

/**
 * The time rules of every JWT a client signs (client assertions, JWT-bearer grant assertions,
 * request objects), after the signature and `nbf` (± CLOCK_SKEW_S) were checked. `now` in seconds.
 * - exp: strictly after now, no tolerance (RFC 7519 §4.1.4: "MUST NOT be accepted" on or after it);
 * - ICM: exp ≤ now + 300 s, and exp − iat ≤ 300 s;
 * - iat: not in the future, beyond CLOCK_SKEW_S (ICM: reject an iat in the future).
 * Returns what is wrong, or undefined.
 */
export function checkAssertionTimes(
  payload: { exp?: number | undefined; iat?: number | undefined },
  now: number,
): string | undefined {
  const { exp, iat } = payload;
  if (typeof exp !== 'number') return 'no exp';
  if (exp <= now) return 'expired';
  if (exp > now + MAX_ASSERTION_LIFETIME_S) return 'expires too late';
  if (iat !== undefined && exp - iat > MAX_ASSERTION_LIFETIME_S) return 'lifetime too long';
  if (iat !== undefined && iat > now + CLOCK_SKEW_S) return 'issued in the future';
  return undefined;
}

/**
 * One key set per registered `jwks` record: jose imports each key once per set and keeps it, so a
 * set built per call re-imports the client's key on every assertion. Found by the record object
 * first, then by its content: the registry reads the record from the store on every token request
 * (a suspension acts at once), so each request brings a new object with the same keys. A changed
 * record has other content, hence a set of its own. Bounded: cleared past MAX_KEY_SETS records.
 */
const MAX_KEY_SETS = 10_000;
const byObject = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>();
const byContent = new Map<string, ReturnType<typeof createLocalJWKSet>>();
export function keySetOf(jwks: { keys: JWK[] }): ReturnType<typeof createLocalJWKSet> {
  let set = byObject.get(jwks);
  if (set !== undefined) return set;
  const content = JSON.stringify(jwks);
  set = byContent.get(content);
  if (set === undefined) {
    if (byContent.size >= MAX_KEY_SETS) byContent.clear();
    set = createLocalJWKSet(jwks);
    byContent.set(content, set);
  }
  byObject.set(jwks, set);
  return set;
}
