import { Hono, type Context } from 'hono';
import type { Env } from '../http/env.js';
import { discoveryDocument } from './discovery.js';
import { tokenEndpoint } from './token-endpoint.js';

export { authServerDocument } from './openapi.js';
export { requireToken } from './resource-guard.js';
export { TokenService } from './tokens.js';
export { SigningKeys } from './keys.js';
export type { AccessContext } from './access-context.js';

/** The authorization server's routes: discovery, JWKS and the token endpoint. */
export function authServer(catalogue: ReadonlyMap<string, string>): Hono<Env> {
  const router = new Hono<Env>();
  const scopes = [...catalogue.keys()];
  const metadata = (c: Context<Env>) => c.json(discoveryDocument(c.get('deps').config.publicUrl, scopes));
  router.get('/.well-known/openid-configuration', metadata);
  router.get('/.well-known/oauth-authorization-server', metadata);
  router.get('/oauth2/jwks', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(c.get('deps').keys.jwks());
  });
  router.post('/oauth2/token', tokenEndpoint(catalogue));
  return router;
}
