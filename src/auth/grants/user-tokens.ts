import type { Application } from '../../admin/applications.js';
import type { Deps } from '../../deps.js';
import { issueIdToken } from '../id-token.js';
import { issueRefreshToken, type IssuedAccess } from '../refresh-tokens.js';
import type { TokenResponse } from './types.js';
import { isNumberVerificationScope, NV_MAX_TTL_S } from './user-scope.js';

export type UserGrant = {
  app: Application;
  grantType: string;
  subscriber: string;
  purpose: string;
  scopes: readonly string[];
  amr: readonly string[];
  /** Seconds since epoch. */
  authTime: number;
  /** An ID token (scope `openid` on auth code and CIBA). */
  idToken?: { nonce?: string | undefined } | undefined;
  /**
   * A refresh token (scope `offline_access`); `family` continues a rotated family (or names a new
   * one chosen beforehand: no `familyExpiresAt`), `scopes` (the original grant) when the access
   * token was narrowed.
   */
  refresh?:
    { family?: { familyId: string; familyExpiresAt?: number }; scopes?: readonly string[] } | undefined;
  /** An upper bound on the access token lifetime (JWT-bearer: short-lived). */
  maxTtlSeconds?: number | undefined;
  /** The access token's `jti`, when the grant recorded it before issuing (authorization code). */
  jti?: string | undefined;
};

/**
 * The token response of every 3-legged grant. Number Verification scopes force the NV rules: at
 * most 300 s and never a refresh token. `scope` lists what was granted: the purpose and the API
 * scopes (ICM §7.5 example).
 */
export async function issueUserTokens(deps: Deps, grant: UserGrant): Promise<{ response: TokenResponse }> {
  const nv = grant.scopes.some(isNumberVerificationScope);
  const caps = [
    deps.config.accessTokenTtlSeconds,
    grant.maxTtlSeconds ?? Infinity,
    nv ? NV_MAX_TTL_S : Infinity,
  ];
  const issued = await deps.tokens.issue({
    clientId: grant.app.clientId,
    scopes: grant.scopes,
    purpose: grant.purpose,
    subscriber: grant.subscriber,
    amr: grant.amr,
    ttlSeconds: Math.min(...caps),
    ...(grant.jti === undefined ? {} : { jti: grant.jti }),
  });
  const access: IssuedAccess = { clientId: grant.app.clientId, jti: issued.jti, exp: issued.exp };
  const response: TokenResponse = {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: [grant.purpose, ...grant.scopes].join(' '),
  };
  if (grant.refresh !== undefined && !nv) {
    const family = grant.refresh.family;
    const { token } = await issueRefreshToken(
      deps,
      {
        clientId: grant.app.clientId,
        grantType: grant.grantType,
        subscriber: grant.subscriber,
        purpose: grant.purpose,
        scopes: [...(grant.refresh.scopes ?? grant.scopes)],
        amr: [...grant.amr],
        authTime: grant.authTime,
        ...(family && { familyId: family.familyId }),
        ...(family?.familyExpiresAt !== undefined && { familyExpiresAt: family.familyExpiresAt }),
      },
      access,
    );
    response.refresh_token = token;
  }
  if (grant.idToken !== undefined) {
    response.id_token = await issueIdToken(deps, {
      clientId: grant.app.clientId,
      subscriber: grant.subscriber,
      authTime: grant.authTime,
      amr: grant.amr,
      nonce: grant.idToken.nonce,
      accessToken: issued.token,
    });
  }
  return { response };
}
