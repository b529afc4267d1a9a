import { describe, expect, it } from 'vitest';
import {
  AUTHORIZE_ERRORS,
  AUTHORIZE_REDIRECT_ERRORS,
  BackchannelAuthenticationResponse,
  BC_AUTHORIZE_ERRORS,
  CONTINUE_ERRORS,
  CONTINUE_REDIRECT_ERRORS,
  IntrospectionResponse,
  INTROSPECTION_ERRORS,
  REVOCATION_ERRORS,
  type EndpointErrors,
} from '../../src/auth/openapi.js';
import { ManualClock } from '../../src/clock.js';
import { authorize, authorizeParams, DEVICE } from '../support/authorize.js';
import {
  basicAuth,
  flowsPlatform,
  fromDevice,
  formPost,
  FRAUD,
  GRANTS,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from '../support/flows.js';
import {
  documentedErrors,
  expectDocumented,
  expectDocumentedError,
  expectDocumentedRedirect,
  type Method,
} from '../support/oauth-openapi.js';
import { SwitchableStore } from '../support/switchable-store.js';

/**
 * The user-flow and token-management endpoints answer as openapi/authorization-server.yaml
 * documents them: every documented error is produced by a real request and answered with its
 * documented status and headers; every success has exactly the documented shape.
 */

const SCOPE = `${FRAUD} sim-swap:check`;

async function platform(env: Record<string, string> = {}) {
  const clock = new ManualClock();
  const store = new SwitchableStore(clock);
  const p = await flowsPlatform({ store, clock, env });
  return { ...p, store };
}

/** Runs the cases and checks that together they answer exactly the documented codes. */
async function expectAllDocumented(
  path: string,
  method: Method,
  cases: [string, Response][],
  errors: EndpointErrors,
) {
  const answered = new Set<string>();
  for (const [code, res] of cases) answered.add(await expectDocumentedError(path, method, res, code));
  expect([...answered].sort()).toEqual(Object.keys(errors).sort());
  expect([...documentedErrors(path, method).keys()].sort()).toEqual([...answered].sort());
}

/** A second request from a client whose per-minute budget is 1: too_many_requests. */
async function overBudget(send: (p: FlowsPlatform) => Promise<Response>): Promise<Response> {
  const limited = await flowsPlatform({ env: { OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
  await send(limited);
  return send(limited);
}

const as = (client: Pick<TestClient, 'clientId' | 'secret'>) => ({ authorization: basicAuth(client) });

describe('POST /oauth2/bc-authorize against the document', () => {
  const bc = (p: FlowsPlatform, params: Record<string, string>, client: TestClient = p.client) =>
    formPost(p.app, '/oauth2/bc-authorize', params, as(client));
  const valid = { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE };

  it('answers the documented BackchannelAuthenticationResponse', async () => {
    const p = await platform();
    const res = await bc(p, valid);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expectDocumented(BackchannelAuthenticationResponse, await res.json());
  });

  it('answers every documented error with its documented status and headers', async () => {
    const p = await platform();
    const noCiba = await p.register({ grantTypes: [GRANTS.authorizationCode] });
    const cases: [string, Response][] = [
      ['invalid_request', await bc(p, { scope: SCOPE })],
      ['invalid_client', await bc(p, valid, { ...p.client, secret: 'wrong' })],
      ['unauthorized_client', await bc(p, valid, noCiba)],
      ['invalid_scope', await bc(p, { ...valid, scope: `${FRAUD} no-such:scope` })],
      ['invalid_request_object', await bc(p, { request: 'not-a-jwt' })],
    ];
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'opted_out' });
    cases.push(['access_denied', await bc(p, valid)]);
    cases.push(['too_many_requests', await overBudget((q) => bc(q, valid))]);
    p.store.fail('down', ['get', 'hit']);
    cases.push(['temporarily_unavailable', await bc(p, valid)]);
    p.store.fail('broken', ['get', 'hit']);
    cases.push(['server_error', await bc(p, valid)]);
    await expectAllDocumented('/oauth2/bc-authorize', 'post', cases, BC_AUTHORIZE_ERRORS);
  });
});

describe('POST /oauth2/introspect and /oauth2/revoke against the document', () => {
  async function tokens(p: FlowsPlatform) {
    const started = await formPost(
      p.app,
      '/oauth2/bc-authorize',
      { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: `offline_access ${SCOPE}` },
      as(p.client),
    );
    const { auth_req_id } = (await started.json()) as { auth_req_id: string };
    const res = await tokenRequest(p.app, p.client, { grant_type: GRANTS.ciba, auth_req_id });
    return (await res.json()) as { access_token: string; refresh_token: string };
  }
  const call = (p: FlowsPlatform, path: string, params: Record<string, string>, client = p.client) =>
    formPost(p.app, path, params, as(client));

  it('introspection answers the documented IntrospectionResponse, active or not', async () => {
    const p = await platform();
    const { access_token, refresh_token } = await tokens(p);
    for (const token of [access_token, refresh_token, 'unknown']) {
      const res = await call(p, '/oauth2/introspect', { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expectDocumented(IntrospectionResponse, await res.json());
    }
  });

  it('revocation answers 200 without a body', async () => {
    const p = await platform();
    const { access_token, refresh_token } = await tokens(p);
    for (const token of [access_token, refresh_token, 'unknown']) {
      const res = await call(p, '/oauth2/revoke', { token });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
  });

  it.each([
    ['/oauth2/introspect', INTROSPECTION_ERRORS],
    ['/oauth2/revoke', REVOCATION_ERRORS],
  ] as const)('%s answers every documented error with its documented status', async (path, errors) => {
    const p = await platform();
    const other = await p.register();
    const { refresh_token } = await tokens(p);
    const cases: [string, Response][] = [
      ['invalid_request', await call(p, path, {})],
      ['invalid_client', await call(p, path, { token: 'x' }, { ...p.client, secret: 'wrong' })],
      ['too_many_requests', await overBudget((q) => call(q, path, { token: 'x' }))],
    ];
    if (path === '/oauth2/revoke') {
      cases.push(['unauthorized_client', await call(p, path, { token: refresh_token }, other)]);
    }
    p.store.fail('down', ['get']);
    cases.push(['temporarily_unavailable', await call(p, path, { token: 'x' })]);
    p.store.fail('broken', ['get']);
    cases.push(['server_error', await call(p, path, { token: 'x' })]);
    await expectAllDocumented(path, 'post', cases, errors);
  });
});

describe('/oauth2/authorize against the document', () => {
  const post = (p: FlowsPlatform, query: URLSearchParams, peer = DEVICE) =>
    fromDevice(p.app, '/oauth2/authorize', peer, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query.toString(),
    });

  it.each(['get', 'post'] as const)(
    '%s: a code redirect and a consent-page redirect as documented',
    async (method) => {
      const p = await platform();
      const { query } = await authorizeParams(p);
      const res = method === 'get' ? (await authorize(p)).res : await post(p, query);
      const params = expectDocumentedRedirect('/oauth2/authorize', method, res);
      expect(params.get('code')).not.toBeNull();
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
      const consent = method === 'get' ? (await authorize(p)).res : await post(p, query);
      expect(consent.status).toBe(302);
      expect(consent.headers.get('location')).toBe(`http://gateway.test/consent/${p.consent.lastId()}`);
      expect(consent.headers.get('set-cookie')).not.toBeNull();
    },
  );

  it('redirects every documented redirect error, and answers the others as documented', async () => {
    const p = await platform();
    const noCode = await p.register({ grantTypes: [GRANTS.ciba] });
    const redirected: string[] = [];
    const expectError = async (overrides: Record<string, string | undefined>, peer = DEVICE) => {
      const { res } = await authorize(p, overrides, peer);
      const error = expectDocumentedRedirect('/oauth2/authorize', 'get', res).get('error') as string;
      redirected.push(error);
      return error;
    };
    expect(await expectError({ response_type: undefined })).toBe('invalid_request');
    expect(await expectError({ client_id: noCode.clientId })).toBe('unauthorized_client');
    expect(await expectError({ response_type: 'token' })).toBe('unsupported_response_type');
    expect(await expectError({ scope: 'dpv:FraudPreventionAndDetection no-such:scope' })).toBe(
      'invalid_scope',
    );
    expect(await expectError({}, { ip: '203.0.113.250' })).toBe('access_denied');
    expect(await expectError({ request: 'not-a-jwt' })).toBe('invalid_request_object');
    expect(await expectError({ request_uri: 'urn:example:request' })).toBe('request_uri_not_supported');
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    expect(await expectError({ prompt: 'none' })).toBe('consent_required');
    p.consent.decisions.delete(SUBSCRIBER.swapped);
    // The client is known (cached) by now: the store fails when the code is written.
    p.store.fail('down', ['set']);
    expect(await expectError({})).toBe('temporarily_unavailable');
    p.store.fail('broken', ['set']);
    expect(await expectError({})).toBe('server_error');
    p.store.heal();
    expect(redirected.sort()).toEqual([...AUTHORIZE_REDIRECT_ERRORS].sort());

    // Before the client and its redirect URI are verified: 400 (or 503/500), never redirected.
    const fresh = await p.register();
    const cases: [string, Response][] = [
      ['invalid_request', (await authorize(p, { client_id: undefined })).res],
    ];
    p.store.fail('down', ['get']);
    cases.push(['temporarily_unavailable', (await authorize(p, { client_id: fresh.clientId })).res]);
    p.store.fail('broken', ['get']);
    cases.push(['server_error', (await authorize(p, { client_id: fresh.clientId })).res]);
    p.store.heal();
    for (const [, res] of cases) expect(res.headers.get('location')).toBeNull();
    await expectAllDocumented('/oauth2/authorize', 'get', cases, AUTHORIZE_ERRORS);
  });
});

describe('GET /oauth2/authorize/continue against the document', () => {
  async function atConsentPage(p: Awaited<ReturnType<typeof platform>>) {
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    const { res } = await authorize(p);
    const id = p.consent.lastId();
    const cookie = (res.headers.get('set-cookie') as string).split(';')[0] as string;
    return {
      id,
      back: () => p.app.request(`/oauth2/authorize/continue?consent_request=${id}`, { headers: { cookie } }),
    };
  }

  it('redirects with a code, and every documented redirect error', async () => {
    const p = await platform();
    const granted = await atConsentPage(p);
    p.consent.decide(granted.id, 'granted');
    expect(
      expectDocumentedRedirect('/oauth2/authorize/continue', 'get', await granted.back()).get('code'),
    ).not.toBeNull();

    const redirected: string[] = [];
    const denied = await atConsentPage(p);
    p.consent.decide(denied.id, 'denied');
    redirected.push(
      expectDocumentedRedirect('/oauth2/authorize/continue', 'get', await denied.back()).get(
        'error',
      ) as string,
    );
    for (const mode of ['down', 'broken'] as const) {
      const flow = await atConsentPage(p);
      p.consent.decide(flow.id, 'granted');
      p.store.fail(mode, ['set']);
      const res = await flow.back();
      p.store.heal();
      redirected.push(
        expectDocumentedRedirect('/oauth2/authorize/continue', 'get', res).get('error') as string,
      );
    }
    expect(redirected.sort()).toEqual([...CONTINUE_REDIRECT_ERRORS].sort());
  });

  it('answers the documented errors before the client is known again', async () => {
    const p = await platform();
    const flow = await atConsentPage(p);
    const cases: [string, Response][] = [
      ['invalid_request', await p.app.request('/oauth2/authorize/continue?consent_request=unknown')],
    ];
    p.store.fail('down', ['take']);
    cases.push(['temporarily_unavailable', await flow.back()]);
    p.store.fail('broken', ['take']);
    cases.push(['server_error', await flow.back()]);
    await expectAllDocumented('/oauth2/authorize/continue', 'get', cases, CONTINUE_ERRORS);
  });
});
