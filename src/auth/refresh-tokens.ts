import { base64url } from 'jose';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { revokeJti, type RefreshTokenLookup } from './revocation.js';
import { sha256Hex } from '../hash.js';
import { refreshKeys } from '../store/keys.js';

/** What a refresh token stands for: one user authorization of one client. */
export type RefreshGrant = {
  clientId: string;
  /** The grant that started the family (authorization_code or CIBA); the client must keep it. */
  grantType: string;
  subscriber: string;
  purpose: string;
  scopes: string[];
  amr: string[];
  /** Seconds since epoch. */
  authTime: number;
  familyId: string;
  /** The family's absolute end, ms since epoch: rotation never extends it. */
  familyExpiresAt: number;
  /** When this token was issued, seconds since epoch (introspection `iat`). */
  issuedAt: number;
  /**
   * The pseudonym key active when the legal basis was last found (issue or rotation): the
   * subscriber's consent records are keyed under it. Absent on families issued before it existed.
   */
  pseudonymKid?: string | undefined;
};

/** An access token issued under a family, remembered until it expires (`exp` in seconds). */
export type IssuedAccess = { clientId: string; jti: string; exp: number };

const TOKEN_KEY = refreshKeys.token;
const USED_KEY = refreshKeys.used;
const FAMILY_KEY = refreshKeys.family;
const FAMILY_ACCESS_KEY = refreshKeys.familyAccess;

/** A missing pseudonym key comes back with a restart: no point in retrying every second. */
const KEY_MISSING_RETRY_S = 60;

const invalid = () => new OAuthError('invalid_grant', 'refresh token invalid, expired or revoked');

/**
 * Opaque refresh tokens (ICM §7.5: only with `offline_access`, rotation RECOMMENDED): 256 random
 * bits, stored by SHA-256 only, rotated on every use. Presenting a token that was already rotated
 * is taken as theft (RFC 9700 §4.14.2) and kills the whole family. `access` is the access token
 * issued with it: it dies with the family.
 */
export async function issueRefreshToken(
  deps: Deps,
  grant: Omit<RefreshGrant, 'familyId' | 'familyExpiresAt' | 'issuedAt' | 'pseudonymKid'> &
    Partial<RefreshGrant>,
  access: IssuedAccess,
): Promise<{ token: string; familyId: string }> {
  const now = deps.clock.now();
  const familyId = grant.familyId ?? crypto.randomUUID();
  const familyExpiresAt = grant.familyExpiresAt ?? now + deps.config.refreshTokenTtlSeconds * 1000;
  const token = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const hash = sha256Hex(token);
  const record: RefreshGrant = {
    ...grant,
    familyId,
    familyExpiresAt,
    issuedAt: Math.floor(now / 1000),
    pseudonymKid: deps.pseudonyms.activeKid,
  };
  const ttl = familyExpiresAt - now;
  // Rotation is serialised by `take` (one redemption per token), so this read-modify-write of the
  // family's list has no concurrent writer.
  const listed = await familyAccessTokens(deps, familyId);
  const live = [...listed.filter((a) => a.exp * 1000 > now), access];
  await deps.store.set(FAMILY_ACCESS_KEY(familyId), JSON.stringify(live), ttl);
  await deps.store.set(TOKEN_KEY(hash), JSON.stringify(record), ttl);
  await deps.store.set(FAMILY_KEY(familyId), hash, ttl);
  return { token, familyId };
}

/**
 * Consumes a refresh token of `clientId` and returns its grant; the caller issues the rotated one
 * with the same family. Throws invalid_grant for anything else. `precheck` runs before the token
 * is consumed: a request it refuses leaves the token usable.
 */
export async function redeemRefreshToken(
  deps: Deps,
  token: string,
  clientId: string,
  precheck: (grant: RefreshGrant) => void = () => {},
): Promise<RefreshGrant> {
  const hash = sha256Hex(token);
  const raw = await deps.store.get(TOKEN_KEY(hash));
  if (raw === null) {
    const family = await deps.store.get(USED_KEY(hash));
    if (family !== null) {
      await revokeRefreshFamily(deps, family);
      deps.logger.warn('refresh token reused: family revoked', { clientId });
    }
    throw invalid();
  }
  const grant = JSON.parse(raw) as RefreshGrant;
  // Bound to its client (RFC 6749 §6); another client's attempt does not consume it.
  if (grant.clientId !== clientId) throw invalid();
  const now = deps.clock.now();
  if (grant.familyExpiresAt <= now) throw invalid();
  if ((await deps.store.get(FAMILY_KEY(grant.familyId))) !== hash) throw invalid();
  precheck(grant);
  if (grant.pseudonymKid !== undefined && !deps.pseudonyms.hasKey(grant.pseudonymKid)) {
    // The consent records of this grant are keyed under a pseudonym key this process lacks (a
    // start without PSEUDONYM_KEYS): their absence proves nothing, so the legal basis cannot be
    // evaluated. A temporary refusal that consumes nothing: the family lives on, and the same
    // token works again once the key is back. Never `invalid_grant`, which would end the family.
    deps.logger.error('refresh refused: its pseudonym key is not in PSEUDONYM_KEYS', {
      clientId,
      kid: grant.pseudonymKid,
    });
    throw new OAuthError('temporarily_unavailable', 'the legal basis cannot be evaluated now', {
      'Retry-After': String(KEY_MISSING_RETRY_S),
    });
  }
  if ((await deps.store.take(TOKEN_KEY(hash))) === null) throw invalid(); // a concurrent use won
  await deps.store.set(USED_KEY(hash), grant.familyId, grant.familyExpiresAt - now);
  return grant;
}

/**
 * Ends a family: its live refresh token stops working at once, and so does every access token
 * issued under it (RFC 7009 §2.1: tokens "based on the same authorization grant").
 */
export async function revokeRefreshFamily(deps: Deps, familyId: string): Promise<void> {
  await deps.store.del(FAMILY_KEY(familyId));
  const now = deps.clock.now();
  for (const access of await familyAccessTokens(deps, familyId)) {
    await revokeJti(deps.store, access, now);
  }
  await deps.store.del(FAMILY_ACCESS_KEY(familyId));
}

async function familyAccessTokens(deps: Deps, familyId: string): Promise<IssuedAccess[]> {
  const raw = await deps.store.get(FAMILY_ACCESS_KEY(familyId));
  return raw === null ? [] : (JSON.parse(raw) as IssuedAccess[]);
}

/** The live refresh token a value names: stored, its family alive and this token its current one. */
async function liveRefreshToken(deps: Deps, token: string): Promise<RefreshGrant | null> {
  const hash = sha256Hex(token);
  const raw = await deps.store.get(TOKEN_KEY(hash));
  if (raw === null) return null;
  const grant = JSON.parse(raw) as RefreshGrant;
  if (grant.familyExpiresAt <= deps.clock.now()) return null;
  return (await deps.store.get(FAMILY_KEY(grant.familyId))) === hash ? grant : null;
}

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) of refresh tokens, over this store. Only the
 * client the token was issued to learns anything about it; `sub` is pairwise, never the number.
 * Revoking a refresh token ends its family, the access tokens issued under it included.
 */
export const REFRESH_TOKENS: RefreshTokenLookup = {
  async find(deps, token, clientId) {
    const grant = await liveRefreshToken(deps, token);
    if (grant === null) return { kind: 'unknown' };
    if (grant.clientId !== clientId) return { kind: 'other_client' };
    return {
      kind: 'owned',
      token: {
        scope: [grant.purpose, ...grant.scopes].join(' '),
        client_id: grant.clientId,
        token_type: 'refresh_token',
        exp: Math.floor(grant.familyExpiresAt / 1000),
        iat: grant.issuedAt,
        sub: await deps.tokens.pairwiseSubject(grant.clientId, grant.subscriber),
        iss: deps.config.publicUrl,
      },
    };
  },
  async revoke(deps, token) {
    const grant = await liveRefreshToken(deps, token);
    if (grant === null) return;
    await deps.store.del(TOKEN_KEY(sha256Hex(token)));
    await revokeRefreshFamily(deps, grant.familyId);
  },
};
