import type { JWTVerifyGetKey } from 'jose';
import type { Application } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { keySetOf } from './assertion-rules.js';

/**
 * The public keys a client signs with (client assertions, JWT-bearer grant assertions, request
 * objects): registered by value (`jwks`) or by URL (`jwksUri`, fetched and cached by
 * admin/jwks-uri-cache.ts). RFC 7591 §2: the two MUST NOT both be present; a record holding both
 * is refused rather than guessed at. Throws when the client has no keys.
 */
export function clientKeys(deps: Deps, app: Application): JWTVerifyGetKey {
  if (app.jwks !== undefined && app.jwksUri !== undefined)
    throw new Error('both jwks and jwks_uri registered');
  if (app.jwksUri !== undefined) return deps.jwksUriKeys.resolver(app.jwksUri);
  if (app.jwks === undefined || app.jwks.keys.length === 0) throw new Error('no registered keys');
  return keySetOf(app.jwks);
}
