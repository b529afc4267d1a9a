import { Hono, type Context } from 'hono';
import type { Env } from '../http/env.js';
import { authorizeEndpoint, continueEndpoint } from './authorize/index.js';
import { backchannelAuthentication } from './ciba/index.js';
import { discoveryDocument } from './discovery.js';
import { endpointLimits } from './endpoint-limits.js';
import { formBodyLimit } from './form.js';
import { introspectionEndpoint } from './introspect.js';
import { REFRESH_TOKENS } from './refresh-tokens.js';
import type { RefreshTokenLookup } from './revocation.js';
import { revocationEndpoint } from './revoke.js';
import { tokenEndpoint } from './token-endpoint.js';

export { authServerDocument } from './openapi.js';
export { authenticate } from './resource-guard.js';
export { TokenService } from './tokens.js';
export { SigningKeys } from './keys.js';
export type { AccessContext } from './access-context.js';
export type { RefreshTokenLookup, IntrospectionClaims } from './revocation.js';
export { AMR, isNetworkAuthenticated } from './amr.js';

export type AuthServerOptions = {
  /** Refresh tokens as introspection and revocation see them (default: the platform's store). */
  refreshTokens?: RefreshTokenLookup;
};

/**
 * The authorization server's routes: discovery, JWKS, authorize (+ continue after consent),
 * CIBA bc-authorize, token, introspection and revocation.
 * Every `/oauth2/*` request body is bounded while it is read (a chunked body included), and
 * the client-authenticated endpoints are rate limited (endpoint-limits.ts).
 */
export function authServer(
  catalogue: ReadonlyMap<string, string>,
  options: AuthServerOptions = {},
): Hono<Env> {
  const refreshTokens = options.refreshTokens ?? REFRESH_TOKENS;
  const router = new Hono<Env>();
  const scopes = [...catalogue.keys()];
  router.use('/oauth2/*', formBodyLimit, endpointLimits);
  // Built at request time from the routes mounted on this router, so it lists exactly them.
  const metadata = (c: Context<Env>) =>
    c.json(discoveryDocument(c.get('deps').config.publicUrl, scopes, router.routes));
  router.get('/.well-known/openid-configuration', metadata);
  router.get('/.well-known/oauth-authorization-server', metadata);
  router.get('/oauth2/jwks', async (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(await c.get('deps').keys.jwks());
  });
  const authorize = authorizeEndpoint(catalogue);
  router.get('/oauth2/authorize', authorize);
  router.post('/oauth2/authorize', authorize);
  router.get('/oauth2/authorize/continue', continueEndpoint());
  router.post('/oauth2/bc-authorize', backchannelAuthentication(catalogue));
  router.post('/oauth2/token', tokenEndpoint(catalogue));
  router.post('/oauth2/introspect', introspectionEndpoint(refreshTokens));
  router.post('/oauth2/revoke', revocationEndpoint(refreshTokens));
  return router;
}
