import type { JWTVerifyGetKey } from 'jose';
import type { Application } from '../admin/applications.js';
import { liveKeys } from '../admin/v1/key-credentials.js';
import type { Deps } from '../deps.js';
import { keySetOf } from './assertion-rules.js';

/**
 * The public keys a client signs with (client assertions, JWT-bearer grant assertions, request
 * objects): its live key credentials (admin/v1/key-credentials.ts: unexpired, unrevoked), plus
 * the keys of records written before those, registered by value (`jwks`) or by URL (`jwksUri`,
 * fetched and cached by admin/jwks-uri-cache.ts). RFC 7591 §2: the two MUST NOT both be present
 * on one registration; a record holding both is refused rather than guessed at. Throws when the
 * client has no usable keys.
 */
export function clientKeys(deps: Deps, app: Application): JWTVerifyGetKey {
  if (app.jwks !== undefined && app.jwksUri !== undefined)
    throw new Error('both jwks and jwks_uri registered');
  const sets = app.jwks === undefined || app.jwks.keys.length === 0 ? [] : [app.jwks];
  const uris = app.jwksUri === undefined ? [] : [app.jwksUri];
  for (const key of liveKeys(app, deps.clock.now())) {
    if (key.jwks !== undefined) sets.push(key.jwks);
    if (key.jwksUri !== undefined) uris.push(key.jwksUri);
  }
  // One set as stored keeps keySetOf's cache by object; several are merged into one set.
  const [first] = sets;
  const byValue = sets.length === 1 && first !== undefined ? first : { keys: sets.flatMap((s) => s.keys) };
  const resolvers: JWTVerifyGetKey[] = [
    ...(byValue.keys.length === 0 ? [] : [keySetOf(byValue)]),
    ...uris.map((uri) => deps.jwksUriKeys.resolver(uri)),
  ];
  const [only] = resolvers;
  if (only === undefined) throw new Error('no registered keys');
  if (resolvers.length === 1) return only;
  // Rotation: several sets live at once; the first that holds a key for the header answers.
  return async (header, token) => {
    let last: unknown;
    for (const resolve of resolvers) {
      try {
        return await resolve(header, token);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  };
}
