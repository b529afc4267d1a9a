import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../support/app.js';
import { OPERATOR_ENV, OPERATOR_KEY } from '../support/consent.js';
import { requestDemoToken, simSwapCheck } from '../support/demo-client.js';
import { allLabelValues, familySamples } from '../support/metrics.js';
import { freePort } from '../../scripts/free-port.js';
import { startProcess, type PlatformProcess } from './support/process.js';

/**
 * The Node entry with METRICS_PORT: Prometheus scrapes a listener of its own that serves nothing
 * else, while the API listener serves the series only to the operator (/internal/metrics).
 */

const NUMBER = '+34600000001';
const NO_HANG = () => AbortSignal.timeout(4000);

async function startWithMetrics(env: Record<string, string> = {}) {
  const metricsPort = await freePort();
  const running = await startProcess({ ...OPERATOR_ENV, METRICS_PORT: String(metricsPort), ...env });
  return { running, metricsUrl: `http://127.0.0.1:${metricsPort}` };
}

const scrape = async (metricsUrl: string) => {
  const res = await fetch(`${metricsUrl}/metrics`, { signal: NO_HANG() });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.text();
};

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: NO_HANG(),
  });

describe('the metrics listener (METRICS_PORT)', () => {
  let running: PlatformProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('serves exact series after 200, 401, 400 and 429 answers of the API listener', async () => {
    const started = await startWithMetrics({ OAUTH_AUTH_FAILURES_PER_IP: '1' });
    running = started.running;
    const api = running.url;
    const issued = await requestDemoToken(api);
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    expect((await simSwapCheck(api, token)).status).toBe(200);
    expect((await simSwapCheck(api, `${token}x`)).status).toBe(401);
    const outOfRange = { phoneNumber: NUMBER, maxAge: 9999 };
    expect(
      (await post(`${api}/sim-swap/v2/check`, outOfRange, { authorization: `Bearer ${token}` })).status,
    ).toBe(400);
    // One failed client authentication spends the address's failure budget (1): the next is a 429.
    expect((await requestDemoToken(api, 'wrong-secret')).status).toBe(401);
    expect((await requestDemoToken(api)).status).toBe(429);

    const text = await scrape(started.metricsUrl);
    expect(familySamples(text, 'camara_http_requests_total')).toEqual({
      'camara_http_requests_total{api=oauth2,method=POST,route=/oauth2/token,status=200}': 1,
      'camara_http_requests_total{api=oauth2,method=POST,route=/oauth2/token,status=401}': 1,
      'camara_http_requests_total{api=oauth2,method=POST,route=/oauth2/token,status=429}': 1,
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=200}': 1,
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=400}': 1,
      'camara_http_requests_total{api=sim-swap,method=POST,route=/sim-swap/v2/check,status=401}': 1,
    });
    expect(familySamples(text, 'camara_http_errors_total')).toEqual({
      'camara_http_errors_total{code=invalid_client,status=401}': 1,
      'camara_http_errors_total{code=too_many_requests,status=429}': 1,
      'camara_http_errors_total{code=UNAUTHENTICATED,status=401}': 1,
      'camara_http_errors_total{code=OUT_OF_RANGE,status=400}': 1,
    });
    expect(familySamples(text, 'camara_tokens_issued_total')).toEqual({
      'camara_tokens_issued_total{grant_type=client_credentials}': 1,
    });
    expect(familySamples(text, 'camara_rate_limit_refusals_total')).toEqual({
      'camara_rate_limit_refusals_total{client_id=,code=too_many_requests}': 1,
    });
    // Read ahead with the rate limit (consent/prefetch.ts): the 400's check ran too.
    expect(familySamples(text, 'camara_legal_basis_checks_total')).toEqual({
      'camara_legal_basis_checks_total{outcome=legitimate_interest}': 2,
    });
    // Real time passes here: the counts are exact, the durations are whatever they were.
    const latency = familySamples(text, 'camara_http_request_duration_seconds');
    for (const [route, count] of [
      ['api=oauth2,method=POST,route=/oauth2/token', 3],
      ['api=sim-swap,method=POST,route=/sim-swap/v2/check', 3],
    ] as const) {
      expect(latency[`camara_http_request_duration_seconds_count{${route}}`]).toBe(count);
      const [api, method, path] = route.split(',');
      expect(latency[`camara_http_request_duration_seconds_bucket{${api},le=+Inf,${method},${path}}`]).toBe(
        count,
      );
    }
  });

  it('serves no API, and the API listener serves the series only with operator credentials', async () => {
    const started = await startWithMetrics();
    running = started.running;
    for (const path of ['/sim-swap/v2/check', '/oauth2/token', '/health', '/internal/metrics', '/metrics/']) {
      const res = await fetch(`${started.metricsUrl}${path}`, { signal: NO_HANG() });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const apiOnMetrics = await post(`${started.metricsUrl}/sim-swap/v2/check`, { phoneNumber: NUMBER });
    expect(apiOnMetrics.status).toBe(404);
    expect(await apiOnMetrics.text()).toBe('Not Found\n');

    const plain = await fetch(`${running.url}/metrics`, { signal: NO_HANG() });
    expect(plain.status).toBe(404);
    expect(await plain.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const anonymous = await fetch(`${running.url}/internal/metrics`, { signal: NO_HANG() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="operator"');
    const operator = await fetch(`${running.url}/internal/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      signal: NO_HANG(),
    });
    expect(operator.status).toBe(200);
    expect(operator.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('labels carry no phone number, token or client secret after calls that put them in paths and bodies', async () => {
    const started = await startWithMetrics();
    running = started.running;
    const api = running.url;
    const issued = await requestDemoToken(api);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const bearer = { authorization: `Bearer ${token}` };
    const basic = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
    const digits = NUMBER.slice(1);
    const calls: Promise<Response>[] = [
      simSwapCheck(api, token),
      post(
        `${api}/sim-swap/v2/check?phoneNumber=${encodeURIComponent(NUMBER)}`,
        { phoneNumber: NUMBER },
        bearer,
      ),
      post(`${api}/sim-swap/v2/${NUMBER}`, { phoneNumber: NUMBER }, bearer),
      post(`${api}/sim-swap/v2/check/${token}`, { token }, bearer),
      post(`${api}/kyc-match/v0.4/match`, { phoneNumber: NUMBER, givenName: DEMO.secret }, bearer),
      fetch(`${api}/consents/${NUMBER}`, { method: 'DELETE', headers: bearer, signal: NO_HANG() }),
      fetch(`${api}/consent/${token}`, { signal: NO_HANG() }),
      fetch(`${api}/${DEMO.secret}/${digits}`, { headers: { authorization: basic }, signal: NO_HANG() }),
      fetch(`${api}/oauth2/token/${DEMO.secret}`, { method: 'POST', signal: NO_HANG() }),
      requestDemoToken(api, `${DEMO.secret}-${digits}`),
    ];
    for (const res of await Promise.all(calls)) await res.arrayBuffer();

    const text = await scrape(started.metricsUrl);
    const values = allLabelValues(text);
    expect(values.length).toBeGreaterThan(0);
    for (const secret of [digits, token, DEMO.secret, basic.slice(6)]) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
      expect(text.includes(secret)).toBe(false);
    }
    // Every route label is a registered pattern or `unmatched`.
    const routes = new Set(values.filter((v) => v.startsWith('/') || v === 'unmatched'));
    expect([...routes].sort()).toEqual(
      [
        '/consent/:id',
        '/consents/:purpose',
        '/kyc-match/v0.4/match',
        '/oauth2/token',
        '/sim-swap/v2/check',
        'unmatched',
      ].sort(),
    );
  });
});
