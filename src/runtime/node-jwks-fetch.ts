import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { JwksUriError, type JwksFetch, type JwksFetchLimits } from '../admin/jwks-uri.js';
import { refusedAddress } from '../admin/public-address.js';

/** A host name's addresses, as the system resolver gives them; injected by tests. */
export type Resolve = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The Node transport of jwks_uri fetches (admin/jwks-uri.ts JwksFetch): the name is resolved
 * once, every address it has is checked (one refused address refuses the URL: a name that also
 * points inside is not trusted outside), and the connection goes to the address checked, through
 * a `lookup` that answers it: no second resolution that a short-TTL record could rebind to an
 * internal address. TLS still verifies the certificate against the host name (SNI), with the
 * system's trusted CAs. Node's http client follows no redirect; the deadline covers the
 * resolution, the connection and the whole body, and the body is counted while it is read.
 */
export function nodeJwksFetch(options: { resolve?: Resolve } = {}): JwksFetch {
  const resolve = options.resolve ?? systemResolve;
  return async (url, limits) => {
    const signal = AbortSignal.timeout(limits.timeoutMs);
    const deadline = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(timedOut(limits)), { once: true }),
    );
    deadline.catch(() => {});
    const target = await Promise.race([checkedAddress(url, resolve, limits), deadline]);
    return Promise.race([get(url, target, signal, limits), deadline]);
  };
}

const timedOut = (limits: JwksFetchLimits) =>
  new JwksUriError(`failed: no answer within ${limits.timeoutMs} ms`);

async function checkedAddress(
  url: URL,
  resolve: Resolve,
  limits: JwksFetchLimits,
): Promise<{ address: string; family: number }> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: readonly { address: string; family: number }[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new JwksUriError(
        `failed: ${host} does not resolve (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new JwksUriError(`failed: ${host} has no address`);
  for (const { address } of addresses) {
    const refused = refusedAddress(address, { allowLoopback: limits.allowLoopback });
    if (refused === undefined) continue;
    throw new JwksUriError(
      isIP(host) !== 0
        ? `refused: a ${refused} address`
        : `refused: ${host} resolves to a ${refused} address`,
    );
  }
  return first;
}

function get(
  url: URL,
  target: { address: string; family: number },
  signal: AbortSignal,
  limits: JwksFetchLimits,
): Promise<{ status: number; body: Uint8Array }> {
  // Answers the address checked above, in either form Node asks for (`all` under autoSelectFamily).
  const pinned = ((_host, opts, callback) => {
    if ((opts as { all?: boolean }).all === true) callback(null, [target]);
    else (callback as (e: null, a: string, f: number) => void)(null, target.address, target.family);
  }) as LookupFunction;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      lookup: pinned,
      // A connection of its own: a pooled socket may lead to where an earlier lookup pointed.
      agent: false,
      signal,
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(signal.aborted ? timedOut(limits) : new JwksUriError(`failed: ${error.code ?? error.message}`)),
    );
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const declared = Number(response.headers['content-length'] ?? 0);
      if (status !== 200 || declared > limits.maxBytes) {
        request.destroy();
        if (status === 200) reject(tooLarge(limits));
        else resolve({ status, body: new Uint8Array() });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > limits.maxBytes) {
          request.destroy();
          reject(tooLarge(limits));
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status, body: new Uint8Array(Buffer.concat(chunks)) }));
      response.on('error', () =>
        reject(signal.aborted ? timedOut(limits) : new JwksUriError('failed: answer cut')),
      );
    });
    request.end();
  });
}

const tooLarge = (limits: JwksFetchLimits) =>
  new JwksUriError(`failed: larger than ${limits.maxBytes} bytes`);
