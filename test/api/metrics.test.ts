import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DEMO, post, testPlatform, type TestPlatform } from '../support/app.js';
import { OPERATOR_ENV, OPERATOR_KEY } from '../support/consent.js';
import { familySamples } from '../support/metrics.js';
import { SwitchableStore } from '../support/switchable-store.js';

/** src/metrics: the series recorded where the platform knows each outcome, scraped at /internal/metrics. */

const scrape = async (p: TestPlatform) => {
  const res = await p.app.request('/internal/metrics', {
    headers: { authorization: `Bearer ${OPERATOR_KEY}` },
  });
  expect(res.status).toBe(200);
  return res.text();
};

const tokenRequest = (p: TestPlatform, secret: string = DEMO.secret) =>
  p.app.request('/oauth2/token', {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${DEMO.clientId}:${secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'dpv:FraudPreventionAndDetection sim-swap:check',
    }).toString(),
  });

const NUMBER = '+34600000001';

describe('platform metrics', () => {
  it('counts requests by API, method, route pattern and status, with their latency', async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const token = await p.token();
    expect((await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, token)).status).toBe(200);
    expect((await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, undefined)).status).toBe(401);
    const outOfRange = { phoneNumber: NUMBER, maxAge: 9999 };
    expect((await post(p.app, '/sim-swap/v2/check', outOfRange, token)).status).toBe(400);
    // The consent page answers an unknown link with a page of its own (200).
    expect((await p.app.request(`/consent/${NUMBER}`)).status).toBe(200);
    // No route: under an API's base path the token is checked first (401), elsewhere a 404.
    expect((await p.app.request(`/sim-swap/v2/${NUMBER}`)).status).toBe(401);
    expect((await p.app.request(`/${NUMBER}/check`)).status).toBe(404);
    const text = await scrape(p);
    expect(familySamples(text, 'camara_http_requests_total')).toEqual({
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=200}': 1,
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=400}': 1,
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=401}': 1,
      'camara_http_requests_total{api=consent,method=GET,route=/consent/:id,status=200}': 1,
      'camara_http_requests_total{api=unmatched,method=GET,route=unmatched,status=401}': 1,
      'camara_http_requests_total{api=unmatched,method=GET,route=unmatched,status=404}': 1,
    });
    expect(familySamples(text, 'camara_http_errors_total')).toEqual({
      'camara_http_errors_total{code=UNAUTHENTICATED,status=401}': 2,
      'camara_http_errors_total{code=OUT_OF_RANGE,status=400}': 1,
      'camara_http_errors_total{code=NOT_FOUND,status=404}': 1,
    });
    // The manual clock stands still: every request took 0 s, inside the first bucket.
    const latency = familySamples(text, 'camara_http_request_duration_seconds');
    const check = (le: string) =>
      `camara_http_request_duration_seconds_bucket{api=sim-swap,le=${le},method=POST,route=/sim-swap/v2/check}`;
    for (const le of ['0.005', '0.01', '0.1', '1', '10', '+Inf']) expect(latency[check(le)]).toBe(3);
    const series = 'api=sim-swap,method=POST,route=/sim-swap/v2/check';
    expect(latency[`camara_http_request_duration_seconds_count{${series}}`]).toBe(3);
    expect(latency[`camara_http_request_duration_seconds_sum{${series}}`]).toBe(0);
    // The scrape itself is counted once it has answered.
    expect(familySamples(await scrape(p), 'camara_http_requests_total')).toMatchObject({
      'camara_http_requests_total{api=internal,method=GET,route=/internal/metrics,status=200}': 1,
    });
  });

  it('counts rate-limit refusals by code under the authenticated client_id', async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const token = await p.token();
    for (let i = 0; i < 20; i++) await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, token);
    const refused = await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, token);
    expect(refused.status).toBe(429);
    const text = await scrape(p);
    expect(familySamples(text, 'camara_rate_limit_refusals_total')).toEqual({
      'camara_rate_limit_refusals_total{client_id=demo-app,code=TOO_MANY_REQUESTS}': 1,
    });
    expect(familySamples(text, 'camara_http_errors_total')).toEqual({
      'camara_http_errors_total{code=TOO_MANY_REQUESTS,status=429}': 1,
    });
  });

  it('counts the per-address limit of the token endpoint with no client_id', async () => {
    const p = await testPlatform({ env: { ...OPERATOR_ENV, OAUTH_AUTH_FAILURES_PER_IP: '1' } });
    expect((await tokenRequest(p, 'wrong')).status).toBe(401);
    expect((await tokenRequest(p)).status).toBe(429);
    const text = await scrape(p);
    expect(familySamples(text, 'camara_rate_limit_refusals_total')).toEqual({
      'camara_rate_limit_refusals_total{client_id=,code=too_many_requests}': 1,
    });
    expect(familySamples(text, 'camara_http_errors_total')).toEqual({
      'camara_http_errors_total{code=invalid_client,status=401}': 1,
      'camara_http_errors_total{code=too_many_requests,status=429}': 1,
    });
  });

  it('counts tokens issued by grant type and legal-basis checks by outcome', async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const res = await tokenRequest(p);
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, access_token)).status).toBe(200);
    const text = await scrape(p);
    expect(familySamples(text, 'camara_tokens_issued_total')).toEqual({
      'camara_tokens_issued_total{grant_type=client_credentials}': 1,
    });
    expect(familySamples(text, 'camara_legal_basis_checks_total')).toEqual({
      'camara_legal_basis_checks_total{outcome=legitimate_interest}': 1,
    });
  });

  it("counts subscribers' consent decisions and each legal-basis outcome", async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const m = p.deps.consentManager;
    const query = { clientId: DEMO.clientId, purpose: 'dpv:CreditChecking', subscriber: NUMBER };
    const credit = { ...query, scopes: ['sim-swap:check'] };
    expect(await m.check(credit)).toEqual({ allowed: false, reason: 'consent_required' });
    const first = await m.requestConsent({ ...credit, source: 'ciba', ttlSeconds: 300 });
    await m.decideByLink(first.request.id, 'deny');
    const second = await m.requestConsent({ ...credit, source: 'ciba', ttlSeconds: 300 });
    await m.decideByOperator(second.request.id, NUMBER, 'grant');
    expect(await m.check(credit)).toEqual({ allowed: true, basis: 'consent' });
    expect(await m.check({ ...credit, purpose: 'dpv:NoSuchPurpose' })).toMatchObject({ allowed: false });
    const text = await scrape(p);
    expect(familySamples(text, 'camara_consent_decisions_total')).toEqual({
      'camara_consent_decisions_total{decision=deny,via=link}': 1,
      'camara_consent_decisions_total{decision=grant,via=operator}': 1,
    });
    expect(familySamples(text, 'camara_legal_basis_checks_total')).toEqual({
      'camara_legal_basis_checks_total{outcome=consent}': 1,
      'camara_legal_basis_checks_total{outcome=consent_required}': 1,
      'camara_legal_basis_checks_total{outcome=purpose_not_allowed}': 1,
    });
  });

  it("counts a suspended application's refused calls on both surfaces (kill switch)", async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const token = await p.token();
    const app = await p.deps.applications.get(DEMO.clientId);
    await p.deps.applications.put({ ...app!, status: 'suspended' });
    expect((await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, token)).status).toBe(401);
    expect((await tokenRequest(p)).status).toBe(401);
    expect(familySamples(await scrape(p), 'camara_application_refusals_total')).toEqual({
      'camara_application_refusals_total{client_id=demo-app,status=suspended,surface=api}': 1,
      'camara_application_refusals_total{client_id=demo-app,status=suspended,surface=oauth}': 1,
    });
  });

  it('counts requests failed closed by an unavailable store', async () => {
    const clock = new ManualClock();
    const store = new SwitchableStore(clock);
    const p = await testPlatform({ env: OPERATOR_ENV, store, clock });
    const token = await p.token();
    store.fail('down', ['hit']);
    const res = await post(p.app, '/sim-swap/v2/check', { phoneNumber: NUMBER }, token);
    expect(res.status).toBe(503);
    store.heal();
    const text = await scrape(p);
    expect(familySamples(text, 'camara_store_errors_total')).toEqual({
      'camara_store_errors_total{kind=unavailable}': 1,
    });
    expect(familySamples(text, 'camara_http_errors_total')).toEqual({
      'camara_http_errors_total{code=UNAVAILABLE,status=503}': 1,
    });
  });
});

describe('/internal/metrics', () => {
  it('answers the operator in the Prometheus text format, never cached', async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    const res = await p.app.request('/internal/metrics', {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toMatch(/^# HELP camara_http_requests_total /);
  });

  it('refuses a caller without the operator key, and the API serves no /metrics', async () => {
    const p = await testPlatform({ env: OPERATOR_ENV });
    for (const authorization of [undefined, 'Bearer wrong-key-0123456789abcdef', `Basic ${btoa('a:b')}`]) {
      const res = await p.app.request('/internal/metrics', {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="operator"');
      expect(await res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    const open = await p.app.request('/metrics');
    expect(open.status).toBe(404);
    expect(await open.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('is not served without configured operator keys', async () => {
    const p = await testPlatform();
    const res = await p.app.request('/internal/metrics', {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(res.status).toBe(404);
  });
});
