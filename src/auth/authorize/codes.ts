import { base64url } from 'jose';
import type { Deps } from '../../deps.js';
import { sha256, sha256Hex } from '../../hash.js';
import type { AuthorizeRequest } from './request.js';
import { grantKeys } from '../../store/keys.js';

/** RFC 6749 §4.1.2: short-lived; ten minutes at most, one minute here. */
export const CODE_TTL_S = 60;
/** How long a redeemed code is remembered, to revoke what it gave if it comes back (§4.1.2). */
const USED_TTL_MS = 3_600_000;

/**
 * What a redemption gave, recorded before the tokens are issued: the access token's `jti` and an
 * upper bound of its `exp` (seconds), and the refresh family it starts, if any.
 */
export type CodeRedemption = { clientId: string; jti: string; exp: number; familyId?: string | undefined };

export type CodeGrant = AuthorizeRequest & {
  subscriber: string;
  amr: string[];
  /** Seconds since epoch. */
  authTime: number;
  /** ms since epoch. */
  expiresAt: number;
  /**
   * Seconds since epoch, like a token's `iat`: a code issued before a suspension of its client is
   * refused after the resume (kill switch). Absent from codes written before this field existed.
   */
  issuedAt?: number | undefined;
};

const CODE_KEY = grantKeys.code;
const USED_KEY = grantKeys.codeUsed;

/** A random code (256 bits) stored by its hash, bound to client, redirect URI and PKCE challenge. */
export async function issueCode(
  deps: Deps,
  grant: Omit<CodeGrant, 'expiresAt' | 'issuedAt'>,
): Promise<string> {
  const code = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  const now = deps.clock.now();
  const record: CodeGrant = {
    ...grant,
    issuedAt: Math.floor(now / 1000),
    expiresAt: now + CODE_TTL_S * 1000,
  };
  await deps.store.set(CODE_KEY(sha256Hex(code)), JSON.stringify(record), CODE_TTL_S * 1000 + 5000);
  return code;
}

/**
 * Takes a code: single use, whatever happens next. A code already taken gives `{ reused }`: what
 * its redemption recorded, taken too (so that it is revoked once), or null when nothing is known.
 */
export async function takeCode(
  deps: Deps,
  code: string,
): Promise<{ grant: CodeGrant; hash: string } | { reused: CodeRedemption | null }> {
  const hash = sha256Hex(code);
  const raw = await deps.store.take(CODE_KEY(hash));
  if (raw === null) {
    const used = await deps.store.take(USED_KEY(hash));
    return { reused: used === null ? null : (JSON.parse(used) as CodeRedemption) };
  }
  return { grant: JSON.parse(raw) as CodeGrant, hash };
}

/** Remembers a redeemed code and what it gives, before the tokens are issued. */
export async function markCodeUsed(deps: Deps, hash: string, redemption: CodeRedemption): Promise<void> {
  await deps.store.set(USED_KEY(hash), JSON.stringify(redemption), USED_TTL_MS);
}

/** False once a reuse of the code has taken (and revoked) its redemption record. */
export async function codeUnchallenged(deps: Deps, hash: string): Promise<boolean> {
  return (await deps.store.get(USED_KEY(hash))) !== null;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export async function pkceS256(verifier: string): Promise<string> {
  return base64url.encode(sha256(new TextEncoder().encode(verifier)));
}
