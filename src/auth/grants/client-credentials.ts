import type { Application } from '../../admin/applications.js';
import { OAuthError } from '../../errors.js';
import { parseScope } from '../scope.js';
import type { GrantContext, TokenResponse } from './types.js';

/**
 * OAuth 2.0 client credentials: a 2-legged token. ICM: scope is required, and the grant is
 * allowed only for the APIs whose onboarding agreement permits 2-legged access.
 */
export async function clientCredentials(ctx: GrantContext, app: Application): Promise<TokenResponse> {
  if (!app.grantTypes.includes('client_credentials')) {
    throw new OAuthError('unauthorized_client', 'grant type not allowed for this client');
  }
  const request = parseScope(ctx.form.get('scope'), ctx.catalogue);
  if (request.protocol.length > 0)
    throw new OAuthError('invalid_scope', 'openid and offline_access need a user');
  if (!app.purposes.includes(request.purpose))
    throw new OAuthError('invalid_scope', 'purpose not allowed for this client');
  for (const scope of request.scopes) {
    if (!app.scopes.includes(scope))
      throw new OAuthError('invalid_scope', 'scope not allowed for this client');
    if (!app.twoLeggedApis.includes(ctx.catalogue.get(scope) as string)) {
      throw new OAuthError('unauthorized_client', 'two-legged access is not allowed for this API');
    }
  }
  // ICM §7.1: the flow is validated per application, purpose and scopes. A purpose that may not
  // use an API (purpose registry) gets no token for it, as in the user flows: every call would be
  // refused anyway.
  if (!ctx.deps.purposes.allowsScopes(request.purpose, request.scopes)) {
    throw new OAuthError('invalid_scope', 'scope not allowed for this purpose');
  }
  const issued = await ctx.deps.tokens.issue({
    clientId: app.clientId,
    scopes: request.scopes,
    purpose: request.purpose,
  });
  return {
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: [request.purpose, ...request.scopes].join(' '),
  };
}
