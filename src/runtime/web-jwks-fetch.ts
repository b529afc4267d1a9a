import { JwksUriError, type JwksFetch } from '../admin/jwks-uri.js';
import { readStreamLimited } from '../http/read-stream.js';

/**
 * The Workers transport of jwks_uri fetches (admin/jwks-uri.ts JwksFetch). workerd's fetch takes
 * no resolver, so the resolved address cannot be checked here: Cloudflare itself refuses to
 * connect a Worker to private and reserved destinations, and checkJwksUri has already refused IP
 * literals outside public unicast and internal names. Redirects are returned, not followed; the
 * deadline covers the whole answer, and the body is counted while it is read.
 * Never chosen by the Node entry: on Node, node-jwks-fetch.ts checks the addresses.
 */
export const webJwksFetch: JwksFetch = async (url, limits) => {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const timedOut = () => new JwksUriError(`failed: no answer within ${limits.timeoutMs} ms`);
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      redirect: 'manual',
      signal,
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      return { status: response.status, body: new Uint8Array() };
    }
    const tooLarge = () => new JwksUriError(`failed: larger than ${limits.maxBytes} bytes`);
    return { status: 200, body: await readStreamLimited(response.body, limits.maxBytes, tooLarge) };
  } catch (error) {
    if (error instanceof JwksUriError) throw error;
    throw signal.aborted ? timedOut() : new JwksUriError('failed: connection error');
  }
};
