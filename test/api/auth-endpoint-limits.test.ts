import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError, type Store } from '../../src/store/port.js';
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

const SCOPE = `${PURPOSE} sim-swap:check`;
const EDGE = '10.0.0.1';
const EDGE_ENV = { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'x-forwarded-for' };

/** A form POST that reaches the platform through a socket peer (the edge, unless `peer`). */
const post = (
  p: TestPlatform,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
  peer = EDGE,
) =>
  Promise.resolve(
    p.app.request(
      path,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      },
      { peer: { ip: peer, port: 50000 } },
    ),
  );
const tokenRequest = (p: TestPlatform, client: TestClient, secret = client.secret, ip = '198.51.100.1') =>
  post(
    p,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope: SCOPE },
    { authorization: basicAuth(client.clientId, secret), 'x-forwarded-for': ip },
  );

describe('per-client limits of the authorization-server endpoints', () => {
  const env = { ...EDGE_ENV, OAUTH_CLIENT_REQUESTS_PER_MINUTE: '3' };

  it('answers 429 too_many_requests with Retry-After past the per-minute budget, per client and endpoint', async () => {
    const p = await testPlatform({ env });
    p.clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    const client = await registerClient(p.deps);
    const other = await registerClient(p.deps);
    for (let i = 0; i < 3; i++) expect((await tokenRequest(p, client)).status).toBe(200);
    const refused = await tokenRequest(p, client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit-policy')).toBe('"oauth-client";q=3;w=60');
    expect(refused.headers.get('ratelimit')).toBe('"oauth-client";r=0;t=60');
    expect(await refused.json()).toEqual({
      error: 'too_many_requests',
      error_description: 'too many requests',
    });
    // Another client, and the same client at another endpoint, have their own budgets.
    expect((await tokenRequest(p, other)).status).toBe(200);
    const introspection = await post(
      p,
      '/oauth2/introspect',
      { token: 'x' },
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(introspection.status).toBe(200);
    p.clock.advance(60_000);
    expect((await tokenRequest(p, client)).status).toBe(200);
  });

  it('charges a client_assertion client once authenticated, at /oauth2/bc-authorize too', async () => {
    const p = await testPlatform({ env: { ...env, OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
    const client = await registerClient(p.deps);
    const send = async (path: string) =>
      post(p, path, {
        scope: SCOPE,
        grant_type: 'client_credentials',
        ...assertionParams(await clientAssertion(client, p.clock.now(), 'http://gateway.test')),
      });
    expect((await send('/oauth2/token')).status).toBe(200);
    expect((await send('/oauth2/token')).status).toBe(429);
    // bc-authorize has a budget of its own: the first request authenticates and is refused by the
    // endpoint (this client is not onboarded for CIBA), the second is over the client's budget.
    const first = await send('/oauth2/bc-authorize');
    expect(first.status).toBe(400);
    expect(await first.json()).toMatchObject({ error: 'unauthorized_client' });
    expect((await send('/oauth2/bc-authorize')).status).toBe(429);
  });

  it('never charges a client that a request only names: wrong secrets, two methods, unknown names', async () => {
    const p = await testPlatform({ env: { ...env, OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
    const client = await registerClient(p.deps);
    const ghost = { clientId: 'no-such-client', secret: 'x' } as TestClient;
    for (let i = 0; i < 3; i++) {
      const ip = `198.51.100.${10 + i}`;
      for (const named of [client, ghost]) {
        const wrong = await tokenRequest(p, named, 'wrong', ip);
        expect([wrong.status, await wrong.json()]).toEqual([
          401,
          { error: 'invalid_client', error_description: 'client authentication failed' },
        ]);
        // Basic and client_secret together: refused before authentication, charging nobody.
        const both = await post(
          p,
          '/oauth2/token',
          { grant_type: 'client_credentials', scope: SCOPE, client_secret: 'x' },
          { authorization: basicAuth(named.clientId, 'x'), 'x-forwarded-for': ip },
        );
        expect([both.status, await both.json()]).toEqual([
          400,
          { error: 'invalid_request', error_description: 'more than one client authentication method' },
        ]);
      }
    }
    expect((await tokenRequest(p, client)).status).toBe(200);
  });
});

describe('per-source limits before authentication', () => {
  const env = { ...EDGE_ENV, OAUTH_AUTH_FAILURES_PER_IP: '3' };
  const POLICY = '"oauth-address";q=3000;w=60, "auth-failures";q=3;w=900';

  it('blocks a source after its failures, even with good credentials, until the window ends', async () => {
    const p = await testPlatform({ env });
    p.clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    const client = await registerClient(p.deps);
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest(p, client, 'wrong', `10.9.9.9, ${attacker}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    }
    const blocked = await tokenRequest(p, client, client.secret, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('900');
    expect(blocked.headers.get('ratelimit-policy')).toBe(POLICY);
    expect(await blocked.json()).toEqual({
      error: 'too_many_requests',
      error_description: 'too many requests',
    });
    // Other sources are not affected; the source is let in again in the next window.
    expect((await tokenRequest(p, client, client.secret, '198.51.100.1')).status).toBe(200);
    p.clock.advance(15 * 60_000);
    expect((await tokenRequest(p, client, client.secret, attacker)).status).toBe(200);
  });

  it('does not count successful authentications, nor other refusals', async () => {
    const p = await testPlatform({ env });
    const client = await registerClient(p.deps);
    for (let i = 0; i < 5; i++) expect((await tokenRequest(p, client)).status).toBe(200);
    const badScope = () =>
      post(
        p,
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: 'nope' },
        { authorization: basicAuth(client.clientId, client.secret), 'x-forwarded-for': '198.51.100.1' },
      );
    for (let i = 0; i < 5; i++) expect((await badScope()).status).toBe(400);
    expect((await tokenRequest(p, client)).status).toBe(200);
  });

  it('groups IPv6 sources by /64', async () => {
    const p = await testPlatform({ env });
    const client = await registerClient(p.deps);
    for (const ip of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff::9', '2001:db8:1:2:aaaa:bbbb:cccc:dddd']) {
      expect((await tokenRequest(p, client, 'wrong', ip)).status).toBe(401);
    }
    expect((await tokenRequest(p, client, client.secret, '2001:db8:1:2::77')).status).toBe(429);
    expect((await tokenRequest(p, client, client.secret, '2001:db8:1:3::77')).status).toBe(200);
  });

  it('limits every request of a source per minute (OAUTH_ADDRESS_REQUESTS_PER_MINUTE)', async () => {
    const p = await testPlatform({ env: { ...EDGE_ENV, OAUTH_ADDRESS_REQUESTS_PER_MINUTE: '2' } });
    p.clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    const client = await registerClient(p.deps);
    expect((await tokenRequest(p, client)).status).toBe(200);
    expect((await tokenRequest(p, client, 'wrong')).status).toBe(401);
    const refused = await tokenRequest(p, client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit')).toBe('"oauth-address";r=0;t=60, "auth-failures";r=19;t=900');
    expect((await tokenRequest(p, client, client.secret, '198.51.100.2')).status).toBe(200);
  });

  it('believes the header only from a trusted proxy; a trusted proxy without it is its own source', async () => {
    const p = await testPlatform({ env });
    const client = await registerClient(p.deps);
    const direct = '203.0.113.8';
    // Not the edge: each request names another address, all are counted against the peer.
    for (let i = 0; i < 3; i++) {
      const res = await post(
        p,
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: SCOPE },
        { authorization: basicAuth(client.clientId, 'wrong'), 'x-forwarded-for': `198.51.100.${i}` },
        direct,
      );
      expect(res.status).toBe(401);
    }
    const auth = { authorization: basicAuth(client.clientId, client.secret) };
    const form = { grant_type: 'client_credentials', scope: SCOPE };
    expect((await post(p, '/oauth2/token', form, auth, direct)).status).toBe(429);
    // The edge with no X-Forwarded-For: counted under the edge's own address.
    for (let i = 0; i < 3; i++) {
      const wrong = { authorization: basicAuth(client.clientId, 'wrong') };
      expect((await post(p, '/oauth2/token', form, wrong)).status).toBe(401);
    }
    expect((await post(p, '/oauth2/token', form, auth)).status).toBe(429);
    expect((await tokenRequest(p, client)).status).toBe(200);
  });
});

describe('store outage and oversized bodies', () => {
  it('fails closed: 503 temporarily_unavailable when the store is down', async () => {
    const clock = new ManualClock();
    const memory = new MemoryStore(clock);
    let down = false;
    const store = new Proxy(memory, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (down) return Promise.reject(new StoreUnavailableError());
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Store;
    const p = await testPlatform({ store, clock });
    const client = await registerClient(p.deps);
    down = true;
    for (const path of ['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke']) {
      const res = await postForm(
        p.app,
        path,
        { grant_type: 'client_credentials', scope: SCOPE, token: 'x' },
        { authorization: basicAuth(client.clientId, client.secret) },
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'service temporarily unavailable',
      });
    }
  });

  it('refuses a body over 16 KiB while reading it, chunked or not', async () => {
    const p = await testPlatform();
    const big = `grant_type=client_credentials&scope=${'a'.repeat(20_000)}`;
    const sized = await postForm(p.app, '/oauth2/token', {
      grant_type: 'client_credentials',
      scope: 'a'.repeat(20_000),
    });
    expect(sized.status).toBe(400);
    expect(await sized.json()).toEqual({ error: 'invalid_request', error_description: 'request too large' });
    const chunked = await p.app.request('/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < big.length; i += 4096)
            controller.enqueue(new TextEncoder().encode(big.slice(i, i + 4096)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect(await chunked.json()).toEqual({
      error: 'invalid_request',
      error_description: 'request too large',
    });
  });
});
