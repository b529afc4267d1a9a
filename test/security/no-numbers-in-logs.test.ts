import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { SANDBOX_SUBSCRIBERS } from '../../src/sandbox-seed.js';
import { DEMO, post, testPlatform } from '../support/app.js';
import { OPERATOR_ENV, linkOf, operatorPost } from '../support/consent.js';
import { engines } from '../support/stores.js';
import {
  answerConsent,
  Browser,
  callApi,
  CIBA_GRANT,
  CREDIT,
  DEMO_APP,
  DEMO_BACKEND,
  demoApp,
  demoBackend,
  expectNoNumbersIn,
  FRAUD,
  notifications,
  operatorPost as operatorFetch,
  startConsentServer,
} from '../e2e/support/consent.js';

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

  /**
   * The real user flows over a socket with openid-client, on the real consent service: CIBA and
   * the authorization code through the consent page, refresh, JWT-bearer, imports, objections,
   * self-service, and the refusals each answers (unknown numbers and devices included).
   */
  it('holds for the user flows, the consent page and their refusals', async () => {
    const s = await startConsentServer(engine.name);
    try {
      const app = await demoApp(s);
      const backend = await demoBackend(s);
      const scope = `openid offline_access ${CREDIT} sim-swap:check`;

      // CIBA through the consent page, refresh, self-service withdrawal, then every refusal.
      const started = await client.initiateBackchannelAuthentication(app, {
        login_hint: `tel:${NUMBERS[0]}`,
        scope,
      });
      await expect(
        client.genericGrantRequest(app, CIBA_GRANT, { auth_req_id: started.auth_req_id }),
      ).rejects.toMatchObject({ error: 'authorization_pending' });
      const [link] = await notifications(s, DEMO_APP.clientId, CREDIT);
      const page = await answerConsent(new Browser(), (link as { url: string }).url, 'grant');
      expect(page.status).toBe(200);
      const tokens = await client.pollBackchannelAuthenticationGrant(app, { ...started, interval: 0 });
      const refreshed = await client.refreshTokenGrant(app, tokens.refresh_token as string);
      expect((await callApi(s, '/sim-swap/v2/check', refreshed.access_token)).status).toBe(200);
      expect((await callApi(s, '/consents', refreshed.access_token, undefined, 'GET')).status).toBe(200);
      const withdraw = `/consents/${CREDIT}`;
      expect((await callApi(s, withdraw, refreshed.access_token, undefined, 'DELETE')).status).toBe(200);
      expect((await callApi(s, withdraw, refreshed.access_token, undefined, 'DELETE')).status).toBe(404);
      expect((await callApi(s, '/sim-swap/v2/check', refreshed.access_token)).status).toBe(403);
      await expect(client.refreshTokenGrant(app, refreshed.refresh_token as string)).rejects.toThrow();
      await expect(client.refreshTokenGrant(app, tokens.refresh_token as string)).rejects.toThrow();
      // Hints that name nobody are answered like a subscriber who never answers; a malformed one fails.
      for (const hint of [`tel:${UNKNOWN}`, 'ipport:203.0.113.9', 'operatortoken:nope']) {
        const nobody = await client.initiateBackchannelAuthentication(app, { login_hint: hint, scope });
        await expect(
          client.genericGrantRequest(app, CIBA_GRANT, { auth_req_id: nobody.auth_req_id }),
        ).rejects.toMatchObject({ error: 'authorization_pending' });
      }
      await expect(
        client.initiateBackchannelAuthentication(app, { login_hint: 'tel:34600000001', scope }),
      ).rejects.toThrow();

      // A denied request, an expired page, a replayed and a forged answer.
      const denied = await client.initiateBackchannelAuthentication(app, {
        login_hint: `tel:${NUMBERS[3]}`,
        scope,
      });
      const [deniedLink] = await notifications(s, DEMO_APP.clientId, CREDIT);
      const deniedUrl = (deniedLink as { url: string }).url;
      expect((await answerConsent(new Browser(), deniedUrl, 'deny')).status).toBe(200);
      expect((await new Browser().fetch(deniedUrl)).status).toBe(409);
      expect((await new Browser().fetch(`${deniedUrl.slice(0, -5)}AAAAA`)).status).toBe(404);
      await expect(
        client.pollBackchannelAuthenticationGrant(app, { ...denied, interval: 0 }),
      ).rejects.toThrow();

      // The authorization code through the consent page in the subscriber's browser.
      const verifier = client.randomPKCECodeVerifier();
      const authorizeUrl = (prompt?: string) =>
        client.calculatePKCECodeChallenge(verifier).then((challenge) =>
          client.buildAuthorizationUrl(app, {
            redirect_uri: DEMO_APP.redirectUri,
            scope,
            code_challenge: challenge,
            code_challenge_method: 'S256',
            state: 'st',
            ...(prompt ? { prompt } : {}),
          }),
        );
      const device = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010' };
      const browser = new Browser();
      expect((await browser.fetch(await authorizeUrl('none'), { headers: device })).status).toBe(302);
      const toConsent = await browser.fetch(await authorizeUrl(), { headers: device });
      const approved = await answerConsent(browser, toConsent.headers.get('location') as string, 'grant');
      const back = await browser.fetch(approved.headers.get('location') as string);
      const code = await client.authorizationCodeGrant(app, new URL(back.headers.get('location') as string), {
        pkceCodeVerifier: verifier,
        expectedState: 'st',
      });
      expect((await callApi(s, '/sim-swap/v2/check', code.access_token)).status).toBe(200);
      const unknownDevice = await browser.fetch(await authorizeUrl(), {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(new URL(unknownDevice.headers.get('location') as string).searchParams.get('error')).toBe(
        'access_denied',
      );

      // JWT-bearer: refused, imported, objected to; unknown and malformed subjects.
      const jwtBearer = backend.jwtBearer;
      const number = NUMBERS[8] as string;
      await expect(jwtBearer(`tel:${number}`, `${CREDIT} sim-swap:check`)).rejects.toThrow();
      const consent = { phoneNumber: number, clientId: DEMO_BACKEND, purpose: CREDIT };
      expect(
        (await operatorFetch(s, '/internal/consents', { ...consent, scopes: ['sim-swap:check'] })).status,
      ).toBe(201);
      const bearer = await jwtBearer(`tel:${number}`, `${CREDIT} sim-swap:check`);
      expect((await callApi(s, '/sim-swap/v2/retrieve-date', bearer.access_token)).status).toBe(403);
      const fraud = await jwtBearer(`tel:${number}`, `${FRAUD} sim-swap:check`);
      // The application cannot object in the subscriber's name (404); the subscriber objects
      // through the operator's channel.
      expect((await callApi(s, `/consents/${FRAUD}`, fraud.access_token, undefined, 'DELETE')).status).toBe(
        404,
      );
      expect(
        (
          await operatorFetch(s, '/internal/opt-outs', {
            phoneNumber: number,
            purpose: FRAUD,
            clientId: DEMO_BACKEND,
          })
        ).status,
      ).toBe(201);
      for (const sub of [`tel:${UNKNOWN}`, `tel:${number}`, number, 'operatortoken:nope']) {
        await expect(jwtBearer(sub, `${FRAUD} sim-swap:check`)).rejects.toThrow();
      }
      expect(
        (await operatorFetch(s, '/internal/opt-outs', { phoneNumber: UNKNOWN, purpose: FRAUD })).status,
      ).toBe(201);

      expect(s.logs.some((l) => l.includes('sandbox consent link'))).toBe(true);
      expect(s.logs.some((l) => l.includes('consent withdrawn'))).toBe(true);
      // Every refusal above is the one meant, not a failed client authentication.
      expect(s.logs.filter((l) => l.includes('client authentication failed'))).toEqual([]);
      expectNoNumbersIn(s.logs);
    } finally {
      await s.close();
    }
  });
});
