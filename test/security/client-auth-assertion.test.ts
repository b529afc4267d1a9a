import { base64url, importJWK, SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { TokenService } from '../../src/auth/tokens.js';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { RedisStore } from '../../src/store/redis.js';
import {
  assertionParams,
  basicAuth,
  clientAssertion,
  postForm,
  PURPOSE,
  registerClient,
  type TestClient,
} from '../e2e/support/oauth.js';
import { testPlatform, type TestPlatform } from '../support/app.js';

const TOKEN_URL = 'http://gateway.test/oauth2/token';
const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

describe('private_key_jwt (RFC 7523 §2.2, ICM client authentication)', () => {
  let p: TestPlatform;
  let client: TestClient;
  let issued: MockInstance<TokenService['issue']>;
  let now: number;

  const send = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(p.app, '/oauth2/token', { ...GRANT, ...params }, headers);
  const withAssertion = async (
    aud: string | string[],
    claims: Record<string, unknown> = {},
    options: Parameters<typeof clientAssertion>[4] = {},
  ) => send(assertionParams(await clientAssertion(client, p.clock.now(), aud, claims, options)));
  const expectRefused = async (res: Response, status = 401, body: object = INVALID_CLIENT) => {
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
    if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    expect(issued).not.toHaveBeenCalled();
  };

  beforeEach(async () => {
    p = await testPlatform();
    client = await registerClient(p.deps);
    issued = vi.spyOn(p.deps.tokens, 'issue');
    now = Math.floor(p.clock.now() / 1000);
  });

  it('issues a token for a well-formed assertion (token URL or issuer as audience)', async () => {
    for (const aud of [TOKEN_URL, 'http://gateway.test', [TOKEN_URL, 'https://elsewhere.example']]) {
      const res = await withAssertion(aud);
      expect(res.status).toBe(200);
    }
    expect(issued).toHaveBeenCalledTimes(3);
  });

  it('accepts a lifetime of exactly 300 s', async () => {
    expect((await withAssertion(TOKEN_URL, { iat: now, exp: now + 300 })).status).toBe(200);
  });

  it('tolerates iat and nbf up to 5 s ahead (a client clock slightly fast)', async () => {
    expect((await withAssertion(TOKEN_URL, { iat: now + 5, nbf: now + 5, exp: now + 60 })).status).toBe(200);
  });

  it.each([
    ['expired', () => ({ iat: now - 120, exp: now - 1 })],
    ['expiring this very second (no tolerance on exp)', () => ({ iat: now - 60, exp: now })],
    ['issued 6 s ahead', () => ({ iat: now + 6, exp: now + 60 })],
    ['not valid for another 6 s (nbf)', () => ({ nbf: now + 6 })],
    ['issued in the future', () => ({ iat: now + 60, exp: now + 120 })],
    ['a lifetime over 300 s', () => ({ iat: now, exp: now + 301 })],
    ['exp − iat over 300 s although exp is near', () => ({ iat: now - 100, exp: now + 250 })],
    ['exp over 300 s ahead and no iat', () => ({ iat: undefined, exp: now + 400 })],
    ['not valid yet (nbf)', () => ({ nbf: now + 60 })],
    ['no jti', () => ({ jti: undefined })],
    ['no exp', () => ({ exp: undefined })],
    ['iss ≠ sub', () => ({ sub: 'someone-else' })],
  ])('refuses an assertion %s: 401 invalid_client, no token', async (_name, claims) => {
    await expectRefused(await withAssertion(TOKEN_URL, claims()));
  });

  it('refuses a wrong audience', async () => {
    await expectRefused(await withAssertion('https://other-as.example/token'));
  });

  it('refuses a replayed jti', async () => {
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL);
    expect((await send(assertionParams(assertion))).status).toBe(200);
    issued.mockClear();
    await expectRefused(await send(assertionParams(assertion)));
  });

  it('refuses an assertion signed by another key under the registered kid', async () => {
    const impostor = await registerClient(p.deps);
    await expectRefused(await withAssertion(TOKEN_URL, {}, { key: impostor.privateKey, kid: client.kid }));
  });

  it('refuses an unknown kid', async () => {
    await expectRefused(await withAssertion(TOKEN_URL, {}, { kid: 'unknown-kid' }));
  });

  it('refuses alg "none"', async () => {
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const unsecured = `${enc({ alg: 'none' })}.${enc({ iss: client.clientId, sub: client.clientId, aud: TOKEN_URL, jti: 'j', iat: now, exp: now + 60 })}.`;
    await expectRefused(await send(assertionParams(unsecured)));
  });

  it('refuses HS256 keyed with the registered public key (algorithm confusion)', async () => {
    const app = await p.deps.applications.get(client.clientId);
    const jwk = app?.jwks?.keys[0];
    const publicKey = (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256', {
      extractable: true,
    })) as CryptoKey;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
    for (const secret of [raw, new TextEncoder().encode(JSON.stringify(jwk))]) {
      const forged = await new SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'HS256', kid: client.kid })
        .setIssuer(client.clientId)
        .setSubject(client.clientId)
        .setAudience(TOKEN_URL)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(secret);
      await expectRefused(await send(assertionParams(forged)));
    }
  });

  it('refuses a client_id parameter naming another client than iss', async () => {
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL);
    await expectRefused(await send({ ...assertionParams(assertion), client_id: 'demo-app' }));
  });

  it('refuses a malformed assertion', async () => {
    await expectRefused(await send(assertionParams('not.a.jwt')));
  });

  it('refuses an assertion of a client not allowed private_key_jwt, or suspended', async () => {
    const secretOnly = await registerClient(p.deps, { authMethods: ['client_secret_basic'] });
    await expectRefused(
      await send(assertionParams(await clientAssertion(secretOnly, p.clock.now(), TOKEN_URL))),
    );
    const suspended = await registerClient(p.deps, { status: 'suspended' });
    await expectRefused(
      await send(assertionParams(await clientAssertion(suspended, p.clock.now(), TOKEN_URL))),
    );
  });

  it('refuses two authentication methods at once: 400 invalid_request', async () => {
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL);
    const body = {
      error: 'invalid_request',
      error_description: 'more than one client authentication method',
    };
    await expectRefused(
      await send(assertionParams(assertion), { authorization: basicAuth(client.clientId, client.secret) }),
      400,
      body,
    );
    await expectRefused(
      await send({ ...assertionParams(assertion), client_secret: client.secret }),
      400,
      body,
    );
  });

  it('refuses another client_assertion_type: 400 invalid_request', async () => {
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL);
    await expectRefused(
      await send({ client_assertion: assertion, client_assertion_type: 'urn:example:other' }),
      400,
      { error: 'invalid_request', error_description: 'unsupported client_assertion_type' },
    );
  });

  it('refuses oversized parameters: 400 invalid_request', async () => {
    const padding = 'a'.repeat(8200);
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL, { pad: padding });
    await expectRefused(await send(assertionParams(assertion)), 400, {
      error: 'invalid_request',
      error_description: 'parameter client_assertion too long',
    });
    const repeated = await p.app.request('/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&grant_type=client_credentials`,
    });
    await expectRefused(repeated, 400, {
      error: 'invalid_request',
      error_description: 'parameter grant_type repeated',
    });
  });
});

describe('private_key_jwt replay across processes sharing Redis', () => {
  const url = process.env.TEST_REDIS_URL;
  const stores: RedisStore[] = [];
  afterAll(async () => Promise.all(stores.map((s) => s.close())));

  it('refuses on one instance the jti already used on another', async () => {
    if (url === undefined) throw new Error('TEST_REDIS_URL is not set: run the Redis tests through npm test');
    const prefix = `t${crypto.randomUUID().slice(0, 8)}:`;
    const clock = new ManualClock();
    const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
    const instance = async () => {
      const store = new RedisStore({ url, keyPrefix: prefix });
      await store.connect();
      stores.push(store);
      const deps = await buildDeps(config, { store, clock, logger: silentLogger });
      await seedSandbox(deps);
      return { deps, app: createApp(deps) };
    };
    const a = await instance();
    const b = await instance();
    const client = await registerClient(a.deps);
    const params = { ...GRANT, ...assertionParams(await clientAssertion(client, clock.now(), TOKEN_URL)) };
    expect((await postForm(a.app, '/oauth2/token', params)).status).toBe(200);
    const replay = await postForm(b.app, '/oauth2/token', params);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual(INVALID_CLIENT);
  });
});
