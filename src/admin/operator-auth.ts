import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { constantTimeEqual, hexToBytes, sha256 } from '../hash.js';

const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{16,512}=*)$/;

/**
 * The operator's own systems (its notification channel, customer care) authenticate with an API
 * key. Configuration holds only SHA-256 hashes of the keys (OPERATOR_API_KEYS); the presented key
 * is hashed and compared with each in constant time. With no key configured nothing is served.
 */
export const requireOperator: MiddlewareHandler<Env> = async (c, next) => {
  const hashes = c.get('deps').config.operatorApiKeyHashes;
  const match = BEARER.exec(c.req.header('authorization') ?? '');
  const unauthenticated = () =>
    new ApiError('UNAUTHENTICATED', undefined, { 'WWW-Authenticate': 'Bearer realm="operator"' });
  if (match === null || hashes.length === 0) throw unauthenticated();
  const digest = sha256(new TextEncoder().encode(match[1] as string));
  let ok = false;
  for (const hash of hashes) ok = constantTimeEqual(digest, hexToBytes(hash)) || ok;
  if (!ok) throw unauthenticated();
  await next();
};
