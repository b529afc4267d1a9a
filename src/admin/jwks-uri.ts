import type { JWK } from 'jose';
import { refusedAddress } from './public-address.js';
import { parseJwksDocument } from './jwks-document.js';

/**
 * A client's private_key_jwt keys registered by URL (`Application.jwksUri`, RFC 7591 §2). The
 * platform fetches a URL an outsider chose, from inside the operator's network: every rule here
 * is against server-side request forgery. The URL is checked at registration (checkJwksUri) and
 * again before each fetch; the runtime's transport (src/runtime/*-jwks-fetch.ts, chosen by the
 * entry) checks the resolved address and connects to that very address, follows no redirect,
 * and bounds the time and the size of the answer. The cache lives in jwks-uri-cache.ts.
 */

export const JWKS_URI_MAX_LENGTH = 2048;
/** An answer must arrive whole within this time: the token endpoint waits on it. */
export const JWKS_FETCH_TIMEOUT_MS = 3000;
/** A JWK Set of a few keys is 1 to 5 KiB; counted while reading, whatever Content-Length says. */
export const JWKS_FETCH_MAX_BYTES = 64 * 1024;

export type JwksFetchLimits = {
  timeoutMs: number;
  maxBytes: number;
  /** Development and tests only (JWKS_URI_ALLOW_HTTP_LOOPBACK): loopback addresses may be used. */
  allowLoopback: boolean;
};

/**
 * The runtime's transport: one GET of `url`, refusing (JwksUriError) a host that resolves to a
 * refused address (public-address.ts) and connecting only to an address it checked, never
 * following a redirect (a 3xx is returned as is), and rejecting past `timeoutMs` or `maxBytes`.
 * Resolves with the status and, for a 200, the body.
 */
export type JwksFetch = (url: URL, limits: JwksFetchLimits) => Promise<{ status: number; body: Uint8Array }>;

/** Why a jwks_uri gave no keys; its message goes to the log, never to the client. */
export class JwksUriError extends Error {
  override readonly name = 'JwksUriError';
  constructor(readonly reason: string) {
    super(`jwks_uri ${reason}`);
  }
}

/** A runtime without a guarded transport: no jwks_uri is ever fetched there. */
export const noJwksFetch: JwksFetch = () =>
  Promise.reject(new JwksUriError('refused: this runtime fetches no jwks_uri'));

/** Special-use names (RFC 6761, RFC 6762) and single labels, which the operator's resolver completes. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$|^[^.]+$/i;
const LOOPBACK_NAME = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why a jwks_uri cannot be registered, or undefined. The admin API calls it before storing one;
 * the fetch calls it again (a record may come from elsewhere). https only, no userinfo, no
 * fragment, no IP literal outside public unicast, no internal name. A name's addresses are only
 * known when it is fetched: the transport checks them then.
 * `allowHttpLoopback` (JWKS_URI_ALLOW_HTTP_LOOPBACK, never in production) admits http:// and
 * https:// to localhost and loopback literals, so that tests and a laptop can serve keys.
 */
export function checkJwksUri(url: string, options: { allowHttpLoopback?: boolean } = {}): string | undefined {
  if (url.length > JWKS_URI_MAX_LENGTH) return `longer than ${JWKS_URI_MAX_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  // The WHATWG parser gives IPv4 literals in their canonical form (0x7f.1 → 127.0.0.1).
  const host = parsed.hostname;
  const loopbackAllowed = options.allowHttpLoopback === true && LOOPBACK_NAME.test(host);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopbackAllowed)) return 'not https';
  if (parsed.username !== '' || parsed.password !== '') return 'userinfo in the URL';
  if (url.includes('#')) return 'a fragment in the URL';
  if (loopbackAllowed) return undefined;
  const literal = host.startsWith('[') ? host.slice(1, -1) : /^[\d.]+$/.test(host) ? host : undefined;
  if (literal !== undefined) {
    const refused = refusedAddress(literal);
    return refused === undefined ? undefined : `a ${refused} address`;
  }
  if (INTERNAL_NAME.test(host.replace(/\.$/, ''))) return 'an internal host name';
  return undefined;
}

/**
 * One fetch of a jwks_uri: the URL checked, the transport's guarded GET, then a 200 whose body is
 * a JWK Set of public signing keys (jwks-document.ts). Anything else is a JwksUriError.
 */
export async function fetchJwks(
  uri: string,
  transport: JwksFetch,
  limits: JwksFetchLimits,
): Promise<{ keys: JWK[] }> {
  const refused = checkJwksUri(uri, { allowHttpLoopback: limits.allowLoopback });
  if (refused !== undefined) throw new JwksUriError(`refused: ${refused}`);
  let answer: { status: number; body: Uint8Array };
  try {
    answer = await transport(new URL(uri), limits);
  } catch (error) {
    if (error instanceof JwksUriError) throw error;
    throw new JwksUriError(`failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // A redirect could lead anywhere, an internal address included: it is never followed.
  if (answer.status >= 300 && answer.status < 400)
    throw new JwksUriError(`failed: redirect (${answer.status}) not followed`);
  if (answer.status !== 200) throw new JwksUriError(`failed: status ${answer.status}`);
  const document = parseJwksDocument(answer.body);
  if ('problem' in document) throw new JwksUriError(`failed: ${document.problem}`);
  return document.jwks;
}
