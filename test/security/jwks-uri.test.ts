import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkJwksUri,
  fetchJwks,
  JWKS_FETCH_MAX_BYTES,
  type JwksFetch,
  type JwksFetchLimits,
} from '../../src/admin/jwks-uri.js';
import { nodeJwksFetch, type Resolve } from '../../src/runtime/node-jwks-fetch.js';
import { webJwksFetch } from '../../src/runtime/web-jwks-fetch.js';

/**
 * jwks_uri and server-side request forgery: a client chooses the URL, the platform fetches it from
 * inside the operator's network. Each refused target is refused before any connection, with the
 * reason the log shows; the answers of a hostile server (redirect, silence, a huge body, a private
 * key) are refused too.
 */

const STRICT: JwksFetchLimits = { timeoutMs: 3000, maxBytes: JWKS_FETCH_MAX_BYTES, allowLoopback: false };
/** JWKS_URI_ALLOW_HTTP_LOOPBACK: how tests reach the local server below; never in production. */
const LOCAL: JwksFetchLimits = { ...STRICT, allowLoopback: true };

/** A transport that must never be reached: the URL check refuses first. */
const unreachable: JwksFetch = () => Promise.reject(new Error('the transport was called'));

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base: string;
let publicJwk: Record<string, unknown>;

async function listen(host: string): Promise<Server> {
  const s = createServer((req, res) => {
    const handler = routes.get(req.url ?? '');
    if (handler === undefined) res.writeHead(404).end();
    else handler(req, res);
  });
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  return s;
}

beforeAll(async () => {
  server = await listen('127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256' };
  const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  routes.set('/jwks', json({ keys: [publicJwk] }));
  routes.set('/private', json({ keys: [privateJwk] }));
  routes.set('/symmetric', json({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 's' }] }));
  routes.set('/hs256', json({ keys: [{ ...publicJwk, alg: 'HS256' }] }));
  routes.set('/not-a-set', json({ key: publicJwk }));
  routes.set('/redirect', (_req, res) =>
    res.writeHead(302, { location: 'http://10.0.0.1/latest/meta-data' }).end(),
  );
  routes.set('/slow', () => {}); // never answers
  const mib = Buffer.alloc(1024 * 1024, 0x20);
  routes.set('/huge', (_req, res) => res.writeHead(200).end(mib)); // chunked: no length to check first
  routes.set('/huge-declared', (_req, res) =>
    res.writeHead(200, { 'content-length': String(mib.length) }).end(mib),
  );
  routes.set('/error', (_req, res) => res.writeHead(500).end('oops'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('checkJwksUri: what the admin API refuses to register', () => {
  it.each([
    ['http://', 'http://keys.client.example/jwks.json', 'not https'],
    ['https://127.0.0.1', 'https://127.0.0.1/jwks.json', 'a loopback address'],
    ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data', 'a linkLocal address'],
    ['a private address', 'https://10.0.0.1/jwks.json', 'a private address'],
    ['172.16/12', 'https://172.31.255.1/jwks.json', 'a private address'],
    ['192.168/16', 'https://192.168.1.1/jwks.json', 'a private address'],
    ['CGNAT (Alibaba metadata)', 'https://100.100.100.200/jwks.json', 'a carrierGradeNat address'],
    ['0.0.0.0', 'https://0.0.0.0/jwks.json', 'a unspecified address'],
    ['loopback in hex', 'https://0x7f.1/jwks.json', 'a loopback address'],
    ['loopback as one number', 'https://2130706433/jwks.json', 'a loopback address'],
    ['[::1]', 'https://[::1]/jwks.json', 'a loopback address'],
    ['[::ffff:127.0.0.1]', 'https://[::ffff:127.0.0.1]/jwks.json', 'a loopback address'],
    ['[::ffff:169.254.169.254]', 'https://[::ffff:169.254.169.254]/', 'a linkLocal address'],
    ['unique-local (AWS IPv6 metadata)', 'https://[fd00:ec2::254]/latest', 'a uniqueLocal address'],
    ['IPv6 link-local', 'https://[fe80::1]/jwks.json', 'a linkLocal address'],
    ['NAT64 of a private address', 'https://[64:ff9b::a00:1]/jwks.json', 'a rfc6052 address'],
    ['userinfo', 'https://user:pass@keys.client.example/jwks.json', 'userinfo in the URL'],
    ['a fragment', 'https://keys.client.example/jwks.json#k1', 'a fragment in the URL'],
    ['localhost', 'https://localhost/jwks.json', 'an internal host name'],
    ['a single label', 'https://metadata/computeMetadata/v1', 'an internal host name'],
    ['an .internal name', 'https://metadata.google.internal/', 'an internal host name'],
    ['not a URL', 'keys.client.example/jwks.json', 'not a URL'],
    ['too long', `https://keys.client.example/${'a'.repeat(2048)}`, 'longer than 2048 characters'],
  ])('refuses %s', (_label, url, reason) => {
    expect(checkJwksUri(url)).toBe(reason);
  });

  it('accepts an https URL on a public name or address', () => {
    expect(checkJwksUri('https://keys.client.example/.well-known/jwks.json')).toBeUndefined();
    expect(checkJwksUri('https://203.0.114.7:8443/jwks.json')).toBeUndefined();
    expect(checkJwksUri('https://[2606:4700::1111]/jwks.json')).toBeUndefined();
  });

  it('admits http:// to loopback only under the development switch, and nothing else with it', () => {
    const allow = { allowHttpLoopback: true };
    expect(checkJwksUri('http://127.0.0.1:8080/jwks', allow)).toBeUndefined();
    expect(checkJwksUri('http://localhost:8080/jwks', allow)).toBeUndefined();
    expect(checkJwksUri('http://[::1]:8080/jwks', allow)).toBeUndefined();
    expect(checkJwksUri('http://127.0.0.1:8080/jwks')).toBe('not https');
    expect(checkJwksUri('http://10.0.0.1/jwks', allow)).toBe('not https');
    expect(checkJwksUri('https://169.254.169.254/latest/meta-data', allow)).toBe('a linkLocal address');
  });
});

describe('fetchJwks: every refused target fails before a connection', () => {
  it.each([
    ['http://', 'http://keys.client.example/jwks.json', 'jwks_uri refused: not https'],
    ['https://127.0.0.1', 'https://127.0.0.1/jwks.json', 'jwks_uri refused: a loopback address'],
    [
      'https://169.254.169.254/latest/meta-data',
      'https://169.254.169.254/latest/meta-data',
      'jwks_uri refused: a linkLocal address',
    ],
    ['[::1]', 'https://[::1]/jwks.json', 'jwks_uri refused: a loopback address'],
    ['[::ffff:127.0.0.1]', 'https://[::ffff:127.0.0.1]/jwks.json', 'jwks_uri refused: a loopback address'],
  ])('%s', async (_label, url, message) => {
    await expect(fetchJwks(url, unreachable, STRICT)).rejects.toThrow(message);
  });

  it('http:// to the local server without the development switch', async () => {
    await expect(fetchJwks(`${base}/jwks`, unreachable, STRICT)).rejects.toThrow(
      'jwks_uri refused: not https',
    );
  });
});

describe('the Node transport checks the resolved addresses and connects to the one it checked', () => {
  const resolving = (...addresses: string[]): Resolve & { calls: string[] } => {
    const calls: string[] = [];
    const resolve = async (host: string) => {
      calls.push(host);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return Object.assign(resolve, { calls });
  };

  it.each([
    ['10.0.0.1', ['10.0.0.1'], 'a private'],
    ['the metadata service', ['169.254.169.254'], 'a linkLocal'],
    ['a public and a private address', ['93.184.215.14', '192.168.0.10'], 'a private'],
    ['::ffff:127.0.0.1', ['::ffff:127.0.0.1'], 'a loopback'],
    ['fd00::1', ['fd00::1'], 'a uniqueLocal'],
  ])('a hostname resolving to %s (injected resolver) is refused', async (_label, addresses, kind) => {
    const resolve = resolving(...addresses);
    await expect(
      fetchJwks('https://keys.client.example/jwks.json', nodeJwksFetch({ resolve }), STRICT),
    ).rejects.toThrow(`jwks_uri refused: keys.client.example resolves to ${kind} address`);
    expect(resolve.calls).toEqual(['keys.client.example']);
  });

  it('a hostname that does not resolve fails, with the resolver error code', async () => {
    const resolve: Resolve = () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }));
    await expect(
      fetchJwks('https://keys.client.example/jwks.json', nodeJwksFetch({ resolve }), STRICT),
    ).rejects.toThrow('jwks_uri failed: keys.client.example does not resolve (ENOTFOUND)');
  });

  it('connects to the checked address, not to a second resolution of the name', async () => {
    // The system resolves localhost to 127.0.0.1 or ::1; only 127.0.0.2, which the injected
    // resolver answered, reaches this server.
    const pinned = await listen('127.0.0.2');
    routes.set('/pinned', (_req, res) => res.writeHead(200).end(JSON.stringify({ keys: [publicJwk] })));
    try {
      const port = (pinned.address() as AddressInfo).port;
      const resolve = resolving('127.0.0.2');
      const jwks = await fetchJwks(`http://localhost:${port}/pinned`, nodeJwksFetch({ resolve }), LOCAL);
      expect(jwks).toEqual({ keys: [publicJwk] });
      expect(resolve.calls).toEqual(['localhost']);
    } finally {
      pinned.closeAllConnections();
      await new Promise((resolve) => pinned.close(resolve));
    }
  });
});

describe.each([
  ['Node', nodeJwksFetch()],
  ['Workers', webJwksFetch],
])('hostile answers (%s transport)', (_runtime, transport) => {
  it('fetches a JWK Set of public keys', async () => {
    expect(await fetchJwks(`${base}/jwks`, transport, LOCAL)).toEqual({ keys: [publicJwk] });
  });

  it('a redirect to a private address is not followed', async () => {
    await expect(fetchJwks(`${base}/redirect`, transport, LOCAL)).rejects.toThrow(
      'jwks_uri failed: redirect (302) not followed',
    );
  });

  it('a slow server: the fetch gives up at its deadline', async () => {
    await expect(fetchJwks(`${base}/slow`, transport, { ...LOCAL, timeoutMs: 200 })).rejects.toThrow(
      'jwks_uri failed: no answer within 200 ms',
    );
  });

  it.each(['/huge', '/huge-declared'])('a 1 MiB body is cut at the size cap (%s)', async (path) => {
    await expect(fetchJwks(`${base}${path}`, transport, LOCAL)).rejects.toThrow(
      `jwks_uri failed: larger than ${JWKS_FETCH_MAX_BYTES} bytes`,
    );
  });

  it.each([
    ['a private key', '/private', 'a private or symmetric key'],
    ['a symmetric key', '/symmetric', 'a private or symmetric key'],
    ['an HMAC algorithm', '/hs256', 'algorithm HS256 not accepted'],
    ['no keys array', '/not-a-set', 'not a JWK Set'],
    ['an error status', '/error', 'status 500'],
  ])('a JWKS with %s is refused', async (_label, path, reason) => {
    await expect(fetchJwks(`${base}${path}`, transport, LOCAL)).rejects.toThrow(`jwks_uri failed: ${reason}`);
  });
});
