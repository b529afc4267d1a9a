import type { Application } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { SignedJwtError, verifyClientSignedJwt } from './signed-jwt.js';

/** JWT claims that frame the request object; they are not authorization request parameters. */
const FRAME_CLAIMS = new Set(['iss', 'aud', 'iat', 'exp', 'nbf', 'jti', 'sub']);

/**
 * RFC 9101 signed request objects, on /oauth2/authorize and /oauth2/bc-authorize. ICM §7.3: signed
 * with a key from the application's `jwks`, iss = client_id, aud this server (else rejected), iat,
 * exp and jti required, no future iat, exp − iat ≤ 300 s, jti single use.
 * Returns the request parameters the object carries, as strings.
 */
export async function verifyRequestObject(
  deps: Deps,
  app: Application,
  jwt: string,
  audiences: readonly string[],
): Promise<Map<string, string>> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifyClientSignedJwt(deps, app, jwt, { audiences, jtiNamespace: 'request-jti' });
  } catch (error) {
    if (error instanceof SignedJwtError)
      throw new OAuthError('invalid_request_object', 'invalid request object');
    throw error;
  }
  if (claims.client_id !== undefined && claims.client_id !== app.clientId) {
    throw new OAuthError('invalid_request_object', 'client_id differs from the request object issuer');
  }
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(claims)) {
    if (FRAME_CLAIMS.has(name)) continue;
    if (name === 'request' || name === 'request_uri') {
      throw new OAuthError('invalid_request_object', 'a request object cannot nest another');
    }
    if (typeof value === 'string') params.set(name, value);
    // OIDC numeric parameters (max_age) arrive as numbers; the flows here ignore them.
    else if (typeof value === 'number') params.set(name, String(value));
    else throw new OAuthError('invalid_request_object', `parameter ${name} must be a string`);
  }
  return params;
}
