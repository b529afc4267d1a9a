import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerConsent,
  Browser,
  callApi,
  CREDIT,
  DEMO_APP,
  demoApp,
  expectNoNumbersIn,
  notifications,
  operatorPost,
  type ConsentServer,
} from './support/consent.js';
import { startTarget, targetName, TARGETS } from '../support/targets.js';

const SCOPE = `openid offline_access ${CREDIT} sim-swap:check sim-swap:retrieve-date`;
/** Sandbox devices (docs/sandbox.md) as the operator's edge (127.0.0.1, trusted) names them. */
const CGNAT_DEVICE = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010' };
const CGNAT_NUMBER = '+34600000010';
const DEVICE_1 = { 'x-forwarded-for': '198.51.100.1' };

/**
 * Authorization code + PKCE with network-based authentication and a purpose resting on consent,
 * end to end over a real socket with openid-client 6 and a cookie-keeping browser: the consent
 * page in the subscriber's own browser, the return to /oauth2/authorize/continue, the code.
 */
describe.each(TARGETS.map((t) => [targetName(t), t] as const))(
  'authorization code with consent, end to end (%s)',
  (_name, target) => {
    let s: ConsentServer;
    let config: client.Configuration;
    beforeAll(async () => {
      s = await startTarget(target);
      config = await demoApp(s);
    });
    afterAll(async () => {
      await s?.close();
    });

    async function authorizationUrl(extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: DEMO_APP.redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
      });
      return { url, verifier, state, nonce };
    }

    const location = (res: Response) => new URL(res.headers.get('location') as string);
    const callback = (params: Record<string, string>) => ({
      origin: new URL(DEMO_APP.redirectUri).origin,
      pathname: new URL(DEMO_APP.redirectUri).pathname,
      params: { ...params, iss: s.url },
    });
    const asCallback = (url: URL) => ({
      origin: url.origin,
      pathname: url.pathname,
      params: Object.fromEntries(url.searchParams),
    });

    it('302 to the consent page → Approve → 303 to continue → 302 with a code → tokens', async () => {
      const { url, verifier, state, nonce } = await authorizationUrl();
      const browser = new Browser();
      const toConsent = await browser.fetch(url, { headers: CGNAT_DEVICE });
      expect(toConsent.status).toBe(302);
      const link = location(toConsent);
      expect(link.href).toMatch(new RegExp(`^${s.url}/consent/[0-9a-f-]{36}\\?t=[A-Za-z0-9_-]{43}$`));
      const id = link.pathname.split('/')[2] as string;
      expect(browser.has(`cg_authz_${id}`)).toBe(true);
      // The page is shown in the subscriber's own browser: nothing goes to the operator's channel.
      expect(await notifications(s, DEMO_APP.clientId, CREDIT)).toEqual([]);

      const approved = await answerConsent(browser, link.href, 'grant');
      expect(approved.status).toBe(303);
      expect(approved.headers.get('location')).toBe(
        `${s.url}/oauth2/authorize/continue?consent_request=${id}`,
      );
      const back = await browser.fetch(location(approved));
      expect(back.status).toBe(302);
      const redirect = location(back);
      expect(asCallback(redirect)).toEqual(callback({ code: expect.any(String) as string, state }));
      expect(browser.has(`cg_authz_${id}`)).toBe(false);

      const tokens = await client.authorizationCodeGrant(config, redirect, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      expect(tokens.scope).toBe(`${CREDIT} sim-swap:check sim-swap:retrieve-date`);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const claims = tokens.claims();
      expect(claims).toMatchObject({ aud: DEMO_APP.clientId, amr: ['nba'], nonce });
      expect(claims?.sub).toBe(await s.deps.tokens.pairwiseSubject(DEMO_APP.clientId, CGNAT_NUMBER));
      expect(await callApi(s, '/sim-swap/v2/check', tokens.access_token)).toEqual({
        status: 200,
        body: { swapped: true },
      });

      // Consent is now on record: the next authorization is silent, even under prompt=none.
      const again = await authorizationUrl({ prompt: 'none' });
      const silent = await new Browser().fetch(again.url, { headers: CGNAT_DEVICE });
      expect(asCallback(location(silent))).toEqual(
        callback({ code: expect.any(String) as string, state: again.state }),
      );
    });

    it('prompt=none without consent → error=consent_required, and nothing is asked', async () => {
      const { url, state } = await authorizationUrl({ prompt: 'none' });
      const browser = new Browser();
      const res = await browser.fetch(url, { headers: DEVICE_1 });
      expect(res.status).toBe(302);
      expect(asCallback(location(res))).toEqual(
        callback({ error: 'consent_required', error_description: 'the subscriber must consent', state }),
      );
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('Deny → error=access_denied at the client', async () => {
      const { url, state } = await authorizationUrl();
      const browser = new Browser();
      const link = location(await browser.fetch(url, { headers: DEVICE_1 }));
      const denied = await answerConsent(browser, link.href, 'deny');
      expect(denied.status).toBe(303);
      const back = await browser.fetch(location(denied));
      expect(asCallback(location(back))).toEqual(
        callback({ error: 'access_denied', error_description: 'the subscriber refused', state }),
      );
    });

    it('an answer given in another browser (no flow cookie) cannot complete the flow', async () => {
      const { url, state } = await authorizationUrl();
      const subscriber = new Browser();
      const link = location(await subscriber.fetch(url, { headers: DEVICE_1 }));
      const other = new Browser();
      const approved = await answerConsent(other, link.href, 'grant');
      expect(approved.status).toBe(303);
      const continueUrl = location(approved);
      const elsewhere = await other.fetch(continueUrl);
      expect(elsewhere.status).toBe(302);
      expect(asCallback(location(elsewhere))).toEqual(
        callback({
          error: 'access_denied',
          error_description: 'the authorization was started in another browser',
          state,
        }),
      );
      const original = await subscriber.fetch(continueUrl);
      expect(original.status).toBe(400);
      expect(await original.json()).toEqual({
        error: 'invalid_request',
        error_description: 'unknown or expired authorization request',
      });
    });

    it('a code whose consent is withdrawn before the exchange gives no tokens (invalid_grant)', async () => {
      const consent = { phoneNumber: CGNAT_NUMBER, clientId: DEMO_APP.clientId, purpose: CREDIT };
      expect(
        (await operatorPost(s, '/internal/consents', { ...consent, scopes: ['sim-swap:check'] })).status,
      ).toBe(201);
      const { url, verifier, state, nonce } = await authorizationUrl({ prompt: 'none' });
      const res = await new Browser().fetch(url, { headers: CGNAT_DEVICE });
      const redirect = location(res);
      expect(redirect.searchParams.get('code')).toEqual(expect.any(String));
      expect((await operatorPost(s, '/internal/consents/withdraw', consent)).status).toBe(200);
      await expect(
        client.authorizationCodeGrant(config, redirect, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    });

    it('refresh (ICM §7.5): the new pair serves, the rotated refresh token is refused', async () => {
      const number = '+34600000001';
      const consent = { phoneNumber: number, clientId: DEMO_APP.clientId, purpose: CREDIT };
      const scopes = ['sim-swap:check', 'sim-swap:retrieve-date'];
      expect((await operatorPost(s, '/internal/consents', { ...consent, scopes })).status).toBe(201);
      const { url, verifier, state, nonce } = await authorizationUrl({ prompt: 'none' });
      const redirect = location(await new Browser().fetch(url, { headers: DEVICE_1 }));
      const first = await client.authorizationCodeGrant(config, redirect, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
      const old = first.refresh_token as string;
      expect(old).toEqual(expect.any(String));

      const refreshed = await client.refreshTokenGrant(config, old);
      expect(refreshed).toMatchObject({
        token_type: 'bearer',
        scope: `${CREDIT} sim-swap:check sim-swap:retrieve-date`,
      });
      expect(refreshed.refresh_token).toEqual(expect.any(String));
      expect(refreshed.refresh_token).not.toBe(old);
      expect(refreshed.access_token).not.toBe(first.access_token);
      expect(await callApi(s, '/sim-swap/v2/check', refreshed.access_token)).toEqual({
        status: 200,
        body: { swapped: true },
      });
      await expect(client.refreshTokenGrant(config, old)).rejects.toMatchObject({
        error: 'invalid_grant',
        status: 400,
      });
    });

    it('no subscriber number in any log line of these flows', async () => {
      expect(
        (await s.loggedWith('"consent request answered"')).some((l) =>
          l.includes('"consent request answered"'),
        ),
      ).toBe(true);
      expectNoNumbersIn(s.logs);
    });
  },
);
