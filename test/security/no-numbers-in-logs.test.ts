import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { SANDBOX_SUBSCRIBERS } from '../../src/sandbox-seed.js';
import { DEMO, post, testPlatform } from '../support/app.js';
import { OPERATOR_ENV, linkOf, operatorPost } from '../support/consent.js';
import { engines } from '../support/stores.js';

const NUMBERS = SANDBOX_SUBSCRIBERS.subscribers.map((s) => s.phoneNumber);
const UNKNOWN = '+34699999999';

/**
 * A representative workload (token, API calls, consent capture through the page and the
 * operator's channel, withdrawals, opt-outs, Consent Info, errors) with every log line captured
 * at debug level and redaction OFF, so the scan proves the code itself never logs a number.
 */
describe.each(engines())('no subscriber number in any log line, on $name', (engine) => {
  it('holds for the whole workload', async () => {
    const lines: string[] = [];
    const clock = new ManualClock();
    const logger = createLogger('debug', (l) => lines.push(l), { redact: false });
    const p = await testPlatform({
      clock,
      logger,
      store: await engine.make(clock),
      env: { ...OPERATOR_ENV, LOG_LEVEL: 'debug' },
    });
    const { app, deps } = p;

    const basic = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
    const tokenRes = await app.request('/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: 'grant_type=client_credentials&scope=dpv:FraudPreventionAndDetection%20sim-swap:check',
    });
    expect(tokenRes.status).toBe(200);
    const fraud = ((await tokenRes.json()) as { access_token: string }).access_token;
    for (const phoneNumber of [...NUMBERS, UNKNOWN]) {
      await post(app, '/sim-swap/v2/check', { phoneNumber }, fraud);
      await post(app, '/sim-swap/v2/check', { phoneNumber, maxAge: 99999 }, fraud);
      clock.advance(1000); // stay under the sandbox burst limit
    }
    const credit = await p.token({ purpose: 'dpv:CreditChecking' });
    expect((await post(app, '/sim-swap/v2/retrieve-date', { phoneNumber: NUMBERS[0] }, credit)).status).toBe(
      403,
    );

    // Capture through the page and through the operator's channel; refusals included.
    const capture = (subscriber: string, ttlSeconds = 300) =>
      deps.consent.requestConsent({
        clientId: 'demo-app',
        purpose: 'dpv:CreditChecking',
        subscriber,
        scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
        source: 'ciba',
        ttlSeconds,
      });
    const viaPage = await capture(NUMBERS[0] as string);
    const page = await app.request(await linkOf(app, viaPage.request.id));
    const html = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] as string;
    const form = new URLSearchParams({ t: field('t'), csrf: field('csrf'), decision: 'grant' }).toString();
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const postForm = () =>
      app.request(`/consent/${viaPage.request.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: form,
      });
    expect((await postForm()).status).toBe(200);
    expect((await postForm()).status).toBe(409);
    expect((await post(app, '/sim-swap/v2/retrieve-date', { phoneNumber: NUMBERS[0] }, credit)).status).toBe(
      200,
    );

    const viaOperator = await capture(NUMBERS[1] as string);
    const decision = `/internal/consent-requests/${viaOperator.request.id}/decision`;
    expect((await operatorPost(app, decision, { phoneNumber: NUMBERS[2], decision: 'grant' })).status).toBe(
      403,
    );
    expect((await operatorPost(app, decision, { phoneNumber: NUMBERS[1], decision: 'grant' })).status).toBe(
      200,
    );
    const expired = await capture(NUMBERS[3] as string, 30);
    clock.advance(31_000);
    const late = `/internal/consent-requests/${expired.request.id}/decision`;
    expect((await operatorPost(app, late, { phoneNumber: NUMBERS[3], decision: 'grant' })).status).toBe(410);

    const body = { phoneNumber: NUMBERS[4], clientId: 'demo-app', purpose: 'dpv:CreditChecking' };
    expect(
      (await operatorPost(app, '/internal/consents', { ...body, scopes: ['sim-swap:check'] })).status,
    ).toBe(201);
    expect((await operatorPost(app, '/internal/consents/withdraw', body)).status).toBe(200);
    expect((await operatorPost(app, '/internal/consents/withdraw', body)).status).toBe(404);
    expect(
      (await operatorPost(app, '/internal/consents', { ...body, clientId: 'nobody', scopes: ['x'] })).status,
    ).toBe(400);
    const optOut = { phoneNumber: NUMBERS[5], purpose: 'dpv:FraudPreventionAndDetection' };
    expect((await operatorPost(app, '/internal/opt-outs', optOut)).status).toBe(201);
    expect(
      (await operatorPost(app, '/internal/consents/list', { phoneNumber: NUMBERS[5], clientId: 'demo-app' }))
        .status,
    ).toBe(200);

    const subscriberToken = await p.token({ purpose: 'dpv:CreditChecking', subscriber: NUMBERS[1] });
    expect((await post(app, '/sim-swap/v2/check', {}, subscriberToken)).status).toBe(200);
    const del = await app.request('/consents/dpv:CreditChecking', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${subscriberToken}` },
    });
    expect(del.status).toBe(200);
    expect((await post(app, '/sim-swap/v2/check', {}, subscriberToken)).status).toBe(403);

    const info = await p.token({ purpose: 'dpv:CreditChecking', scopes: ['consent-info:retrieve'] });
    const infoBody = {
      phoneNumber: NUMBERS[6],
      scopes: ['sim-swap:check'],
      purpose: 'dpv:CreditChecking',
      requestCaptureUrl: true,
    };
    expect((await post(app, '/consent-info/v0/retrieve', infoBody, info)).status).toBe(200);

    // A failing network adapter: the 500 is logged with the correlator, not with the number.
    const failing = await testPlatform({
      clock,
      logger,
      store: await engine.make(clock),
      env: { LOG_LEVEL: 'debug' },
    });
    failing.deps.network.findSubscriber = async () => {
      throw new Error('upstream timeout');
    };
    expect(
      (await post(failing.app, '/sim-swap/v2/check', { phoneNumber: NUMBERS[0] }, await failing.token()))
        .status,
    ).toBe(500);

    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('sandbox consent link'))).toBe(true);
    expect(lines.some((l) => l.includes('request failed'))).toBe(true);
    for (const number of [...NUMBERS, UNKNOWN]) {
      const digits = number.slice(1);
      const leaked = lines.filter((l) => l.includes(digits));
      expect(leaked, `${number} appears in the logs`).toEqual([]);
    }
  });
});
