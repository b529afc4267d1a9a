import type { Application } from '../../admin/applications.js';
import { constantTimeEqual } from '../../hash.js';
import { OAuthError } from '../../errors.js';
import type { Deps } from '../../deps.js';
import { issuedBeforeCutoff, readStanding } from '../application-status.js';
import {
  codeUnchallenged,
  markCodeUsed,
  pkceS256,
  takeCode,
  type CodeRedemption,
} from '../authorize/codes.js';
import { revokeRefreshFamily } from '../refresh-tokens.js';
import { revokeJti } from '../revocation.js';
import { GRANT } from './grant-types.js';
import type { GrantContext, TokenResponse } from './types.js';
import { requireGrantType } from './user-scope.js';
import { issueUserTokens } from './user-tokens.js';

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * A code stored before codes carried `issuedAt` counts as issued before any cut-off the client has:
 * refused if it was ever suspended, served otherwise. Codes live one minute (CODE_TTL_S), so this
 * only touches codes in flight at the deploy.
 */
const LEGACY_ISSUED_AT = Number.NEGATIVE_INFINITY;

const invalidGrant = () => new OAuthError('invalid_grant', 'authorization code invalid, expired or used');

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636): the code is single use and bound to the client, the
 * redirect URI and the code verifier. A code presented twice is refused, and the access token and
 * the refresh token family it gave are revoked (§4.1.2: "SHOULD revoke (when possible) all tokens
 * previously issued based on that authorization code").
 */
export async function authorizationCode(ctx: GrantContext, app: Application): Promise<TokenResponse> {
  const { deps, form } = ctx;
  requireGrantType(app, GRANT.authorizationCode);
  const code = form.get('code');
  const redirectUri = form.get('redirect_uri');
  const verifier = form.get('code_verifier');
  if (code === undefined || redirectUri === undefined) {
    throw new OAuthError('invalid_request', 'code and redirect_uri are required');
  }
  if (verifier === undefined || !VERIFIER.test(verifier)) {
    throw new OAuthError('invalid_request', 'code_verifier missing or malformed');
  }
  const taken = await takeCode(deps, code);
  if ('reused' in taken) {
    if (taken.reused !== null) {
      await revokeRedemption(deps, taken.reused);
      deps.logger.warn('authorization code reused: its tokens revoked', { clientId: app.clientId });
    }
    throw invalidGrant();
  }
  const { grant, hash } = taken;
  const challenge = new TextEncoder().encode(await pkceS256(verifier));
  if (
    grant.expiresAt <= deps.clock.now() ||
    grant.clientId !== app.clientId ||
    grant.redirectUri !== redirectUri ||
    !constantTimeEqual(challenge, new TextEncoder().encode(grant.codeChallenge))
  ) {
    throw invalidGrant();
  }
  // Kill switch: a code issued before a suspension of the client or its partner gives nothing
  // after the resume, as the tokens of that time (it is spent already: takeCode).
  if (issuedBeforeCutoff(grant.issuedAt ?? LEGACY_ISSUED_AT, await readStanding(deps, app.clientId))) {
    throw new OAuthError('invalid_grant', 'authorization code issued before a suspension of the client');
  }
  // ICM §7.5: no token once the legal basis is gone (a consent withdrawn since the code was given).
  const basis = await deps.consent.check({
    clientId: grant.clientId,
    purpose: grant.purpose,
    subscriber: grant.subscriber,
    scopes: grant.scopes,
  });
  if (!basis.allowed) throw new OAuthError('invalid_grant', 'no legal basis for this purpose any more');
  // Recorded before the tokens exist, so that a reuse arriving meanwhile can revoke them.
  const redemption: CodeRedemption = {
    clientId: app.clientId,
    jti: crypto.randomUUID(),
    exp: Math.floor(deps.clock.now() / 1000) + deps.config.accessTokenTtlSeconds,
    familyId: grant.offlineAccess ? crypto.randomUUID() : undefined,
  };
  await markCodeUsed(deps, hash, redemption);
  const { response } = await issueUserTokens(deps, {
    app,
    grantType: GRANT.authorizationCode,
    subscriber: grant.subscriber,
    purpose: grant.purpose,
    scopes: grant.scopes,
    amr: grant.amr,
    authTime: grant.authTime,
    idToken: grant.openid ? { nonce: grant.nonce } : undefined,
    refresh: redemption.familyId === undefined ? undefined : { family: { familyId: redemption.familyId } },
    jti: redemption.jti,
  });
  // A reuse that came while the tokens were being issued may have found the family not yet there.
  if (!(await codeUnchallenged(deps, hash))) {
    await revokeRedemption(deps, redemption);
    throw invalidGrant();
  }
  return response;
}

async function revokeRedemption(deps: Deps, redemption: CodeRedemption): Promise<void> {
  await revokeJti(deps.store, redemption, deps.clock.now());
  if (redemption.familyId !== undefined) await revokeRefreshFamily(deps, redemption.familyId);
}
