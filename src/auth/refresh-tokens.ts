import { base64url } from 'jose';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { sha256Hex } from './token-cache.js';

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
};

const TOKEN_KEY = (hash: string) => `rt:${hash}`;
const USED_KEY = (hash: string) => `rt-used:${hash}`;
/** The hash of the one live token of a family; deleting it kills the family. */
const FAMILY_KEY = (familyId: string) => `rt-family:${familyId}`;

const invalid = () => new OAuthError('invalid_grant', 'refresh token invalid, expired or revoked');

/**
 * Opaque refresh tokens (ICM §7.5: only with `offline_access`, rotation RECOMMENDED): 256 random
 * bits, stored by SHA-256 only, rotated on every use. Presenting a token that was already rotated
 * is taken as theft (RFC 9700 §4.14.2) and kills the whole family.
 */
export async function issueRefreshToken(
  deps: Deps,
  grant: Omit<RefreshGrant, 'familyId' | 'familyExpiresAt'> & Partial<RefreshGrant>,
): Promise<{ token: string; familyId: string }> {
  const now = deps.clock.now();
  const familyId = grant.familyId ?? crypto.randomUUID();
  const familyExpiresAt = grant.familyExpiresAt ?? now + deps.config.refreshTokenTtlSeconds * 1000;
  const token = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const hash = await sha256Hex(token);
  const record: RefreshGrant = { ...grant, familyId, familyExpiresAt };
  const ttl = familyExpiresAt - now;
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
  const hash = await sha256Hex(token);
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
  if ((await deps.store.take(TOKEN_KEY(hash))) === null) throw invalid(); // a concurrent use won
  await deps.store.set(USED_KEY(hash), grant.familyId, grant.familyExpiresAt - now);
  return grant;
}

/** Ends a family: its live token stops working at once. */
export async function revokeRefreshFamily(deps: Deps, familyId: string): Promise<void> {
  await deps.store.del(FAMILY_KEY(familyId));
}
