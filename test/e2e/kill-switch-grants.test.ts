import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEnv, adminKeys, adminToken, call, type AdminKeys } from '../admin/support.js';
import { basicAuth, clientAssertion, FRAUD, pkce, REDIRECT_URI, type TestClient } from '../support/flows.js';
import { startFlowsServer, type FlowsServer } from '../support/flows-server.js';

/**
 * The kill switch over a real socket, driven through the admin API: an authorization code, a
 * CIBA request or a client assertion obtained before a suspension of the application (or of its
 * partner) gives no tokens after the resume, and a code or request is spent; one obtained after
 * the resume does. The suspension's
 * cut-off lies one second past it (src/admin/kill-switch.ts): the tests move the platform's clock
 * past it rather than wait.
 */

const SCOPE = `openid ${FRAUD} sim-swap:check`;
/** SUBSCRIBER.swapped's device (any port) and operator token (docs/sandbox.md). */
const DEVICE = '198.51.100.1';
const OPERATOR_TOKEN = 'operatortoken:ts43-sandbox-0001';
const CUTOFF_PASSED_MS = 2_000;

const CODE_CUT = {
  error: 'invalid_grant',
  error_description: 'authorization code issued before a suspension of the client',
};
const CODE_USED = {
  error: 'invalid_grant',
  error_description: 'authorization code invalid, expired or used',
};
const CIBA_CUT = {
  error: 'invalid_grant',
  error_description: 'auth_req_id issued before a suspension of the client',
};
const CIBA_GONE = { error: 'invalid_grant', error_description: 'unknown auth_req_id' };
const CLIENT_REFUSED = { error: 'invalid_client', error_description: 'client authentication failed' };

describe.each(['memory', 'redis'] as const)('kill switch: codes and CIBA requests (%s)', (engine) => {
  let s: FlowsServer;
  let keys: AdminKeys;

  beforeAll(async () => {
    keys = await adminKeys();
    s = await startFlowsServer(engine, adminEnv(keys));
  });
  afterAll(async () => s?.close());

  /** An admin API call as the operator's console makes it: a fresh admin token each time. */
  async function admin(method: string, path: string, body?: unknown): Promise<Response> {
    return call(s.url, method, path, await adminToken(s.url, keys.admin, s.clock.now()), body);
  }

  async function partner(): Promise<string> {
    const res = await admin('POST', '/admin/v1/partners', { name: `Acme ${crypto.randomUUID()}` });
    expect(res.status).toBe(201);
    return ((await res.json()) as { partnerId: string }).partnerId;
  }

  /** Suspends then resumes through the admin API, the clock moved past the cut-off in between. */
  async function suspendAndResume(path: string): Promise<void> {
    const suspended = await admin('POST', `${path}/suspend`);
    expect([suspended.status, ((await suspended.json()) as { status: string }).status]).toEqual([
      200,
      'suspended',
    ]);
    s.clock.advance(CUTOFF_PASSED_MS);
    const resumed = await admin('POST', `${path}/resume`);
    expect([resumed.status, ((await resumed.json()) as { status: string }).status]).toEqual([200, 'active']);
  }

  const applicationPath = (partnerId: string, client: TestClient) =>
    `/admin/v1/partners/${partnerId}/applications/${client.clientId}`;

  function post(path: string, client: TestClient, params: Record<string, string>): Promise<Response> {
    return fetch(`${s.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams(params).toString(),
    });
  }

  /** The authorization code of a network-authenticated authorize request from the device. */
  async function codeFor(client: TestClient): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = await pkce();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      scope: SCOPE,
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await fetch(`${s.url}/oauth2/authorize?${query}`, {
      redirect: 'manual',
      headers: { 'x-forwarded-for': DEVICE },
    });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location') as string).searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { code: code as string, verifier };
  }

  const redeem = (client: TestClient, { code, verifier }: { code: string; verifier: string }) =>
    post('/oauth2/token', client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });

  async function cibaRequest(client: TestClient): Promise<string> {
    const res = await post('/oauth2/bc-authorize', client, {
      login_hint: OPERATOR_TOKEN,
      scope: `${FRAUD} sim-swap:check`,
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { auth_req_id: string }).auth_req_id;
  }

  const poll = (client: TestClient, authReqId: string) =>
    post('/oauth2/token', client, {
      grant_type: 'urn:openid:params:grant-type:ciba',
      auth_req_id: authReqId,
    });

  async function expectRefused(res: Response, body: object): Promise<void> {
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([
      400,
      'application/json',
      body,
    ]);
  }

  async function expectTokens(res: Response): Promise<void> {
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('sim-swap:check') });
    expect(body.access_token).toEqual(expect.any(String));
  }

  it('redeems a code issued and redeemed with no suspension in between (regression)', async () => {
    const client = await s.register({ partnerId: await partner() });
    await expectTokens(await redeem(client, await codeFor(client)));
  });

  it('refuses a code issued before the application was suspended and resumed, spends it, and serves a new one', async () => {
    const partnerId = await partner();
    const client = await s.register({ partnerId });
    const old = await codeFor(client);
    await suspendAndResume(applicationPath(partnerId, client));
    await expectRefused(await redeem(client, old), CODE_CUT);
    await expectRefused(await redeem(client, old), CODE_USED);
    await expectTokens(await redeem(client, await codeFor(client)));
  });

  it('refuses a CIBA request made before the application was suspended and resumed, ends it, and serves a new one', async () => {
    const partnerId = await partner();
    const client = await s.register({ partnerId });
    const old = await cibaRequest(client);
    await suspendAndResume(applicationPath(partnerId, client));
    await expectRefused(await poll(client, old), CIBA_CUT);
    await expectRefused(await poll(client, old), CIBA_GONE);
    await expectTokens(await poll(client, await cibaRequest(client)));
  });

  it('refuses a code issued before its partner was suspended and resumed, and serves a new one', async () => {
    const partnerId = await partner();
    const client = await s.register({ partnerId });
    const old = await codeFor(client);
    await suspendAndResume(`/admin/v1/partners/${partnerId}`);
    await expectRefused(await redeem(client, old), CODE_CUT);
    await expectTokens(await redeem(client, await codeFor(client)));
  });

  /** A CIBA request authenticated by private_key_jwt with `assertion`. */
  const cibaWithAssertion = (client: TestClient, assertion: string) =>
    fetch(`${s.url}/oauth2/bc-authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: client.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        login_hint: OPERATOR_TOKEN,
        scope: `${FRAUD} sim-swap:check`,
      }).toString(),
    });

  it('refuses an unused client assertion signed before the application was suspended and resumed', async () => {
    const partnerId = await partner();
    const client = await s.register({ partnerId });
    const old = await clientAssertion(client, s.clock, s.url);
    await suspendAndResume(applicationPath(partnerId, client));
    const res = await cibaWithAssertion(client, old);
    expect([res.status, await res.json()]).toEqual([401, CLIENT_REFUSED]);
    const fresh = await cibaWithAssertion(client, await clientAssertion(client, s.clock, s.url));
    expect(fresh.status).toBe(200);
  });

  it('refuses a CIBA request made before its partner was suspended and resumed', async () => {
    const partnerId = await partner();
    const client = await s.register({ partnerId });
    const old = await cibaRequest(client);
    await suspendAndResume(`/admin/v1/partners/${partnerId}`);
    await expectRefused(await poll(client, old), CIBA_CUT);
    await expectTokens(await poll(client, await cibaRequest(client)));
  });
});
