import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JWKS_COOLDOWN_MS, JWKS_MAX_AGE_MS, JWKS_REFRESH_MS } from '../../src/admin/jwks-uri-cache.js';
import type { Application } from '../../src/admin/applications.js';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import type { LogFields, Logger } from '../../src/log.js';
import { nodeJwksFetch } from '../../src/runtime/node-jwks-fetch.js';
import { MemoryStore } from '../../src/store/memory.js';
import {
  assertionParams,
  clientAssertion,
  postForm,
  PURPOSE,
  registerClient,
  type TestClient,
} from '../e2e/support/oauth.js';

/**
 * private_key_jwt with keys registered by URL: the platform fetches the client's JWK Set from a
 * real server (here on loopback, which JWKS_URI_ALLOW_HTTP_LOOPBACK admits in tests only), picks
 * up a rotation without a restart, and keeps the keys it has while the URL is down.
 */

const TOKEN_URL = 'http://gateway.test/oauth2/token';
const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };
async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
}

/** The client's own key server: serves `keys`, or refuses connections while `down`. */
let server: Server;
let served: { keys: JWK[] } = { keys: [] };
let requests = 0;
let down = false;
let jwksUri: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (down) return void req.socket.destroy();
    requests++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('private_key_jwt with a jwks_uri (RFC 7591 §2, RFC 7523 §2.2)', () => {
  let deps: Deps;
  let clock: ManualClock;
  let app: ReturnType<typeof createApp>;
  let logs: { msg: string; fields: LogFields | undefined }[];
  let key: Key;

  const register = async (overrides: Partial<Application> = {}) =>
    registerClient(deps, { jwks: undefined, jwksUri, ...overrides });
  const tokenWith = async (client: TestClient, signer: Key) =>
    postForm(app, '/oauth2/token', {
      ...GRANT,
      ...assertionParams(
        await clientAssertion(
          client,
          clock.now(),
          TOKEN_URL,
          {},
          { key: signer.privateKey, kid: signer.kid },
        ),
      ),
    });
  const expectToken = async (res: Response) => {
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', scope: GRANT.scope });
  };
  const expectInvalidClient = async (res: Response) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    expect(await res.json()).toEqual(INVALID_CLIENT);
  };
  const failureReasons = () =>
    logs.filter((l) => l.msg === 'client authentication failed').map((l) => l.fields?.reason);

  beforeEach(async () => {
    clock = new ManualClock();
    logs = [];
    const record = (msg: string, fields?: LogFields) => logs.push({ msg, fields });
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const config = parseConfig({
      NODE_ENV: 'test',
      PUBLIC_URL: 'http://gateway.test',
      JWKS_URI_ALLOW_HTTP_LOOPBACK: 'true',
    });
    deps = await buildDeps(config, {
      store: new MemoryStore(clock),
      clock,
      logger,
      jwksFetch: nodeJwksFetch(),
    });
    app = createApp(deps);
    key = await newKey();
    served = { keys: [key.jwk] };
    requests = 0;
    down = false;
  });

  it('issues a token to an application whose keys are served at its jwks_uri', async () => {
    const client = await register();
    await expectToken(await tokenWith(client, key));
    await expectToken(await tokenWith(client, key));
    expect(requests).toBe(1);
  });

  it('picks up a key rotated at the URL (a new kid) without a restart', async () => {
    const client = await register();
    await expectToken(await tokenWith(client, key));
    const next = await newKey();
    served = { keys: [key.jwk, next.jwk] };
    clock.advance(JWKS_COOLDOWN_MS);
    await expectToken(await tokenWith(client, next));
    expect(requests).toBe(2);
    // The old key retired at the URL: refused once the cached set is refreshed.
    served = { keys: [next.jwk] };
    clock.advance(JWKS_REFRESH_MS);
    await expectInvalidClient(await tokenWith(client, key));
    await expectToken(await tokenWith(client, next));
  });

  it('keeps the cached keys while the URL is down, up to their maximum age', async () => {
    const client = await register();
    await expectToken(await tokenWith(client, key));
    down = true;
    clock.advance(JWKS_REFRESH_MS);
    await expectToken(await tokenWith(client, key));
    expect(logs.some((l) => l.msg === 'jwks_uri fetch failed')).toBe(true);
    clock.advance(JWKS_MAX_AGE_MS);
    await expectInvalidClient(await tokenWith(client, key));
    expect(failureReasons()).toEqual(['jwks_uri failed: ECONNRESET']);
  });

  it('an unreachable jwks_uri is invalid_client (logged), never a 500', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = await register({ jwksUri: `http://127.0.0.1:${port}/jwks.json` });
    await expectInvalidClient(await tokenWith(client, key));
    expect(failureReasons()).toEqual(['jwks_uri failed: ECONNREFUSED']);
  });

  it('a jwks_uri to a private address is invalid_client, without a connection', async () => {
    const client = await register({ jwksUri: 'https://10.0.0.1/jwks.json' });
    await expectInvalidClient(await tokenWith(client, key));
    expect(failureReasons()).toEqual(['jwks_uri refused: a private address']);
  });

  it('a record with both jwks and jwks_uri is refused (RFC 7591 §2: never both)', async () => {
    const client = await register({ jwks: { keys: [key.jwk] } });
    await expectInvalidClient(await tokenWith(client, key));
    expect(failureReasons()).toEqual(['both jwks and jwks_uri registered']);
    expect(requests).toBe(0);
  });
});
