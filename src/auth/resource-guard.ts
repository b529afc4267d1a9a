import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { requestHeader } from '../http/request-header.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; RFC 9110 §11.1: the scheme is case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The one 401 of a rejected token, with RFC 6750 §3 `WWW-Authenticate`. */
export const invalidToken = (): ApiError =>
  new ApiError('UNAUTHENTICATED', undefined, {
    'WWW-Authenticate': 'Bearer realm="camara", error="invalid_token"',
  });

/**
 * DESIGN §2 step 2: every resource call carries a valid access token. Any failure (missing,
 * malformed, bad signature, expired, wrong audience, revoked) gets the same 401, whatever the
 * reason (Commonalities NOTE 1), with RFC 6750 §3 `WWW-Authenticate`.
 *
 * The signature is checked here (in process, cached); the application's status and revocation
 * are the steps that follow (pipeline/), revocation read in the call's one store round trip.
 */
export async function authenticate(c: Context<Env>): Promise<void> {
  const header = requestHeader(c, 'authorization');
  const match = header === undefined ? null : BEARER.exec(header);
  if (match === null) {
    throw new ApiError('UNAUTHENTICATED', undefined, { 'WWW-Authenticate': 'Bearer realm="camara"' });
  }
  try {
    c.set('access', await c.get('deps').tokens.verify(match[1] as string));
  } catch {
    throw invalidToken();
  }
}
