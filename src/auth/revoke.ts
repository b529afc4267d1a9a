import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { tokenRequest } from './introspect.js';
import { findAccessToken, revokeAccessToken, type RefreshTokenLookup } from './revocation.js';

const notOwned = () => new OAuthError('unauthorized_client', 'the token was not issued to this client');

/**
 * POST /oauth2/revoke (RFC 7009). Only the client a token was issued to may revoke it (§2.1);
 * an unknown, invalid or expired token is answered 200 like a revoked one (§2.2). An access
 * token is refused on the next resource call, in every process sharing the store.
 */
export function revocationEndpoint(refreshTokens: RefreshTokenLookup) {
  return async (c: Context<Env>) => {
    const { deps, app, token, hint } = await tokenRequest(c, '/oauth2/revoke');
    const asAccess = async () => {
      const found = await findAccessToken(deps, token, app.clientId);
      if (found.kind === 'other_client') throw notOwned();
      if (found.kind === 'unknown') return false;
      await revokeAccessToken(deps.store, found.token.access, deps.clock.now());
      await deps.tokens.forget(token);
      return true;
    };
    const asRefresh = async () => {
      const found = await refreshTokens.find(deps, token, app.clientId);
      if (found.kind === 'other_client') throw notOwned();
      if (found.kind === 'unknown') return false;
      await refreshTokens.revoke(deps, token);
      return true;
    };
    const [first, second] = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
    if (!(await first())) await second();
    return c.body(null, 200);
  };
}
