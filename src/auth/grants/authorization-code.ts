import type { Application } from '../../admin/applications.js';
import { constantTimeEqual } from '../../admin/secrets.js';
import { OAuthError } from '../../errors.js';
import { markCodeUsed, pkceS256, takeCode } from '../authorize/codes.js';
import { revokeRefreshFamily } from '../refresh-tokens.js';
import { GRANT } from './grant-types.js';
import type { GrantContext, TokenResponse } from './types.js';
import { requireGrantType } from './user-scope.js';
import { issueUserTokens } from './user-tokens.js';

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const invalidGrant = () => new OAuthError('invalid_grant', 'authorization code invalid, expired or used');

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636): the code is single use and bound to the client, the
 * redirect URI and the code verifier. A code presented twice is refused and the refresh tokens
 * it gave are revoked (§4.1.2).
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
      if (taken.reused !== '') await revokeRefreshFamily(deps, taken.reused);
      deps.logger.warn('authorization code reused', { clientId: app.clientId });
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
  const { response, refreshFamilyId } = await issueUserTokens(deps, {
    app,
    grantType: GRANT.authorizationCode,
    subscriber: grant.subscriber,
    purpose: grant.purpose,
    scopes: grant.scopes,
    amr: grant.amr,
    authTime: grant.authTime,
    idToken: grant.openid ? { nonce: grant.nonce } : undefined,
    refresh: grant.offlineAccess ? {} : undefined,
  });
  await markCodeUsed(deps, hash, refreshFamilyId);
  return response;
}
