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
const tokenRequest = (p: TestPlatform, client: TestClient, secret = client.secret, ip = '198.51.100.1') =>
  postForm(
    p.app,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope: SCOPE },
    { authorization: basicAuth(client.clientId, secret), 'x-forwarded-for': ip },
  );

describe('per-client limits of the authorization-server endpoints', () => {
  const env = { OAUTH_CLIENT_REQUESTS_PER_MINUTE: '3', CLIENT_IP_HEADER: 'x-forwarded-for' };

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
    const introspection = await postForm(
      p.app,
      '/oauth2/introspect',
      { token: 'x' },
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(introspection.status).toBe(200);
    p.clock.advance(60_000);
    expect((await tokenRequest(p, client)).status).toBe(200);
  });

  it('identifies the client from client_assertion too, and covers /oauth2/bc-authorize', async () => {
    const p = await testPlatform({ env: { ...env, OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
    const client = await registerClient(p.deps);
    const send = async (path: string) =>
      postForm(p.app, path, {
        scope: SCOPE,
        grant_type: 'client_credentials',
        ...assertionParams(await clientAssertion(client, p.clock.now(), 'http://gateway.test')),
      });
    expect((await send('/oauth2/token')).status).toBe(200);
    expect((await send('/oauth2/token')).status).toBe(429);
    // bc-authorize has a budget of its own: the first request reaches the endpoint (which refuses
    // this client: it is not onboarded for CIBA), the second is refused before it.
    const first = await send('/oauth2/bc-authorize');
    expect(first.status).toBe(400);
    expect(await first.json()).toMatchObject({ error: 'unauthorized_client' });
    expect((await send('/oauth2/bc-authorize')).status).toBe(429);
  });

  it('gives an unknown client name no budget of its own (its failures count against the source)', async () => {
    const p = await testPlatform({ env: { ...env, OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
    const ghost = { clientId: 'no-such-client', secret: 'x' };
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest(p, ghost as TestClient, 'x', `198.51.100.${10 + i}`);
      expect(res.status).toBe(401);
    }
  });
});

describe('per-source limit of failed client authentications (credential stuffing)', () => {
  const env = { OAUTH_AUTH_FAILURES_PER_IP: '3', CLIENT_IP_HEADER: 'x-forwarded-for' };

  it('blocks a source after its failures, even with good credentials, until the window ends', async () => {
    const p = await testPlatform({ env });
    p.clock.set(Date.UTC(2026, 0, 15, 12, 0, 0));
    const client = await registerClient(p.deps);
    const attacker = '203.0.113.7';
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest(p, client, 'wrong', `10.0.0.1, ${attacker}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    }
    const blocked = await tokenRequest(p, client, client.secret, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('900');
    expect(await blocked.json()).toEqual({
      error: 'too_many_requests',
      error_description: 'too many requests',
    });
    // Other sources are not affected; the source is let in again in the next window.
    expect((await tokenRequest(p, client, client.secret, '198.51.100.1')).status).toBe(200);
    p.clock.advance(15 * 60_000);
    expect((await tokenRequest(p, client, client.secret, attacker)).status).toBe(200);
  });

  it('does not count successful authentications', async () => {
    const p = await testPlatform({ env });
    const client = await registerClient(p.deps);
    for (let i = 0; i < 5; i++) expect((await tokenRequest(p, client)).status).toBe(200);
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
