import { decodeJwt } from 'jose';
import type { Deps } from '../deps.js';
import type { StoreReads } from '../store/batch.js';
import type { Store } from '../store/port.js';
import { applicationKeys } from '../store/keys.js';
import type { AccessContext } from './access-context.js';

/**
 * Revoked access tokens (RFC 7009): one key per `jti` in the shared store, kept until the token's
 * own `exp`, so that every process sharing the store refuses the token on its next call. Keyed
 * under the client (store/keys.ts): the protected call reads it beside the client's limiter.
 */
const revokedKey = (token: TokenId) => applicationKeys.revokedToken(token.clientId, token.jti);

/** What names an access token in the store: its client and `jti`; `exp` in seconds. */
export type TokenId = { clientId: string; jti: string };

export async function revokeAccessToken(store: Store, access: AccessContext, nowMs: number): Promise<void> {
  await revokeJti(store, access, nowMs);
}

/** Revokes an access token by its client, `jti` and `exp` (seconds): the token need not be at hand. */
export async function revokeJti(
  store: Store,
  token: TokenId & { exp: number },
  nowMs: number,
): Promise<void> {
  const ttlMs = token.exp * 1000 - nowMs;
  if (ttlMs > 0) await store.set(revokedKey(token), '1', ttlMs);
}

/**
 * Spends a single-use access token (Number Verification): the first use writes the token's
 * revocation record in one atomic write (SET NX), so that afterwards the token is refused
 * everywhere, on every API and at introspection, like a revoked one. False when the record was
 * already there (used, or revoked). Kept `marginMs` past `exp`, for instances whose clock lags.
 */
export async function spendAccessToken(
  store: Store,
  access: Pick<AccessContext, 'clientId' | 'jti' | 'exp'>,
  nowMs: number,
  marginMs: number,
): Promise<boolean> {
  const ttlMs = Math.max(1000, access.exp * 1000 - nowMs + marginMs);
  return store.setIfAbsent(revokedKey(access), '1', ttlMs);
}

/**
 * One store read: from the store, or from the resource pipeline's batch, so that it travels with
 * the rate-limit hit in the call's one round trip (DESIGN §2 hot-path budget; pipeline/revocation.ts).
 */
export async function isRevoked(reads: StoreReads, token: TokenId): Promise<boolean> {
  return (await reads.get(revokedKey(token))) !== null;
}

/** RFC 7662 §2.2 members of an active token (besides `active`). */
export type IntrospectionClaims = {
  scope: string;
  client_id: string;
  token_type: string;
  exp: number;
  iat: number;
  /** Pairwise for 3-legged tokens, the client for 2-legged ones: never a phone number. */
  sub: string;
  aud?: string | string[];
  iss: string;
  jti?: string;
};

export type TokenTypeHint = 'access_token' | 'refresh_token';

/** Who may see or revoke a presented token. */
export type Ownership<T> = { kind: 'unknown' } | { kind: 'other_client' } | { kind: 'owned'; token: T };

/**
 * The refresh-token store as introspection and revocation see it: REFRESH_TOKENS in
 * refresh-tokens.ts, wired into `authServer` (src/auth/index.ts).
 */
export interface RefreshTokenLookup {
  /** A live refresh token (unknown, expired or revoked: `unknown`) and whether `clientId` owns it. */
  find(deps: Deps, token: string, clientId: string): Promise<Ownership<IntrospectionClaims>>;
  /** Makes an owned refresh token unusable at once (RFC 7009 §2.1: and MAY end its grant). */
  revoke(deps: Deps, token: string): Promise<void>;
}

/** A platform access token, verified (signature, issuer, audience, expiry), with its owner. */
export async function findAccessToken(
  deps: Deps,
  token: string,
  clientId: string,
): Promise<Ownership<{ access: AccessContext; claims: IntrospectionClaims }>> {
  let access: AccessContext;
  try {
    access = await deps.tokens.verify(token);
  } catch {
    return { kind: 'unknown' };
  }
  if (access.clientId !== clientId) return { kind: 'other_client' };
  // Verified above, so the payload can be read as is.
  const payload = decodeJwt(token);
  const claims: IntrospectionClaims = {
    scope: [...(access.purpose ? [access.purpose] : []), ...access.scopes].join(' '),
    client_id: access.clientId,
    token_type: 'Bearer',
    exp: access.exp,
    iat: payload.iat as number,
    sub: payload.sub as string,
    ...(payload.aud === undefined ? {} : { aud: payload.aud }),
    iss: payload.iss as string,
    jti: access.jti,
  };
  return { kind: 'owned', token: { access, claims } };
}
