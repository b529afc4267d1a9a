import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANT } from '../../src/auth/grants/grant-types.js';
import { SANDBOX_APPLICATIONS } from '../../src/sandbox-seed.js';
import {
  basicAuth,
  clientAssertion,
  PURPOSE,
  registerClient,
  type TestClient,
} from '../e2e/support/oauth.js';
import { startServer, type E2EServer } from '../e2e/support/server.js';
import { RunningClock } from '../support/running-clock.js';

/**
 * Red-team finding F2, replayed over a real socket: requests that only name a partner's client_id
 * (Basic plus a client_secret in the body; an unsigned assertion) spent that partner's per-client
 * budget, so the partner itself then got 429, and only known ids ever got that 429. The budget
 * is small here (10 a minute) so that 15 requests replay the 610 of the report.
 */
const SCOPE = `${PURPOSE} sim-swap:check`;
const ATTEMPTS = 15;
const DEMO = SANDBOX_APPLICATIONS.find((a) => a.clientId === 'demo-app') as {
  clientId: string;
  clientSecret: string;
};

const answer = async (res: Response) => ({
  status: res.status,
  retryAfter: res.headers.get('retry-after'),
  body: (await res.json()) as unknown,
});

/** An assertion signed by nobody (`alg: none`) that names `clientId`. */
const unsigned = (clientId: string, audience: string, nowMs: number) => {
  const now = Math.floor(nowMs / 1000);
  const part = (o: object) => base64url.encode(JSON.stringify(o));
  const claims = { iss: clientId, sub: clientId, aud: audience, exp: now + 60, jti: crypto.randomUUID() };
  return `${part({ alg: 'none' })}.${part(claims)}.`;
};

describe.each(['memory', 'redis'] as const)('naming a client spends none of its budget (%s)', (engine) => {
  let s: E2EServer;
  let ciba: TestClient;
  const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    });

  beforeAll(async () => {
    // One minute window for the whole file: the server's clock starts a second into a minute.
    const clock = new RunningClock();
    clock.advance(61_000 - (Date.now() % 60_000));
    // The failure budget is out of the way: this is about the per-client budget only.
    s = await startServer({
      engine,
      clock,
      env: { OAUTH_CLIENT_REQUESTS_PER_MINUTE: '10', OAUTH_AUTH_FAILURES_PER_IP: '1000' },
    });
    ciba = await registerClient(s.deps, { authMethods: ['private_key_jwt'], grantTypes: [GRANT.ciba] });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('Basic demo-app:x plus a client_secret: the same 400 for a known and an unknown id, then demo-app gets its token', async () => {
    const attack = (clientId: string) =>
      post(
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: SCOPE, client_secret: 'x' },
        { authorization: basicAuth(clientId, 'x') },
      );
    const twoMethods = {
      status: 400,
      retryAfter: null,
      body: { error: 'invalid_request', error_description: 'more than one client authentication method' },
    };
    for (let i = 0; i < ATTEMPTS; i++) {
      expect(await answer(await attack(DEMO.clientId))).toEqual(twoMethods);
      expect(await answer(await attack('no-such-client'))).toEqual(twoMethods);
    }
    // Wrong secrets (401, the failure budget of the source) charge the named client nothing either.
    const wrong = await post(
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: SCOPE },
      { authorization: basicAuth(DEMO.clientId, 'wrong') },
    );
    expect(wrong.status).toBe(401);
    const real = await post(
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: SCOPE },
      { authorization: basicAuth(DEMO.clientId, DEMO.clientSecret) },
    );
    expect(real.status).toBe(200);
    expect(real.headers.get('retry-after')).toBeNull();
  });

  it('an unsigned assertion naming a CIBA client at /oauth2/bc-authorize: 401 like an unknown id, then the client is served', async () => {
    const audience = `${s.url}/oauth2/bc-authorize`;
    const attack = (clientId: string) =>
      post('/oauth2/bc-authorize', {
        scope: SCOPE,
        login_hint: 'tel:+34600000001',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: unsigned(clientId, audience, s.deps.clock.now()),
      });
    const invalidClient = {
      status: 401,
      retryAfter: null,
      body: { error: 'invalid_client', error_description: 'client authentication failed' },
    };
    for (let i = 0; i < ATTEMPTS; i++) {
      expect(await answer(await attack(ciba.clientId))).toEqual(invalidClient);
      expect(await answer(await attack('no-such-client'))).toEqual(invalidClient);
    }
    const real = await post('/oauth2/bc-authorize', {
      scope: SCOPE,
      login_hint: 'tel:+34600000001',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(ciba, s.deps.clock.now(), audience),
    });
    expect(real.status).toBe(200);
    expect(await real.json()).toMatchObject({ auth_req_id: expect.any(String) as string });
  });

  it('the authenticated client is still held to its own budget (10 a minute)', async () => {
    const own = await registerClient(s.deps);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await post(
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: SCOPE },
        { authorization: basicAuth(own.clientId, own.secret) },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
  });
});
