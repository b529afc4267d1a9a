import { base64url, SignJWT } from 'jose';
import type { Deps } from '../deps.js';
import { sha256 } from '../hash.js';
import { SIGNING_ALG } from './keys.js';

/** ID tokens are consumed at once by the client; they do not need the access token's lifetime. */
export const ID_TOKEN_TTL_S = 300;

export type IdTokenInput = {
  clientId: string;
  subscriber: string;
  /** When the subscriber was identified (authorization or CIBA approval), seconds since epoch. */
  authTime: number;
  amr: readonly string[];
  nonce?: string | undefined;
  accessToken?: string | undefined;
};

/**
 * OIDC Core §2 ID token (auth code and CIBA with scope `openid`), ES256 with the platform key.
 * ICM §7.7: `sub` is pairwise and no claim carries the phone number.
 */
export async function issueIdToken(deps: Deps, input: IdTokenInput): Promise<string> {
  const now = Math.floor(deps.clock.now() / 1000);
  const claims: Record<string, unknown> = { auth_time: input.authTime, amr: [...input.amr] };
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  if (input.accessToken !== undefined) claims.at_hash = await leftHalfHash(input.accessToken);
  // The key that signs now (rotation-aware), the same one the access token got.
  const key = await deps.keys.signingKey();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, typ: 'JWT', kid: key.kid })
    .setIssuer(deps.config.publicUrl)
    .setAudience(input.clientId)
    .setSubject(await deps.tokens.pairwiseSubject(input.clientId, input.subscriber))
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_TTL_S)
    .sign(key.privateKey);
}

/** OIDC Core §3.1.3.6 at_hash: base64url of the left half of the SHA-256 of the token (ES256). */
async function leftHalfHash(token: string): Promise<string> {
  const digest = sha256(new TextEncoder().encode(token));
  return base64url.encode(digest.subarray(0, digest.length / 2));
}
