import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAUD, GRANTS, REDIRECT_URI, signJwt, SUBSCRIBER } from '../support/flows.js';
import { startFlowsServer, type FlowsServer } from '../support/flows-server.js';

/**
 * The user (3-legged) flows end to end with a certified OpenID client library (openid-client 6)
 * over a real socket, on the memory engine and on a real Redis; then SIM Swap serves the tokens
 * with the identification rules of Commonalities Appendix A. Redis: TEST_REDIS_URL (npm test sets it).
 */
describe.each(['memory', 'redis'] as const)('user flows with openid-client (%s)', (engine) => {
  let s: FlowsServer;
  beforeAll(async () => {
    s = await startFlowsServer(engine);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** A discovered configuration; the ID token algorithm is ES256 (discovery metadata). */
  async function configure(auth: client.ClientAuth): Promise<client.Configuration> {
    const config = await client.discovery(
      new URL(s.url),
      s.client.clientId,
      { id_token_signed_response_alg: 'ES256' },
      auth,
      {
        execute: [client.allowInsecureRequests],
      },
    );
    expect(config.serverMetadata().issuer).toBe(s.url);
    return config;
  }
  const privateKeyJwt = () => client.PrivateKeyJwt({ key: s.client.privateKey, kid: s.client.kid });

  /** SIM Swap with a 3-legged token: `{}` is answered, a phoneNumber is UNNECESSARY_IDENTIFIER. */
  async function checkSimSwap(config: client.Configuration, accessToken: string) {
    const url = new URL(`${s.url}/sim-swap/v2/check`);
    const headers = new Headers({ 'content-type': 'application/json' });
    const ok = await client.fetchProtectedResource(config, accessToken, url, 'POST', '{}', headers);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ swapped: true });
    const body = JSON.stringify({ phoneNumber: SUBSCRIBER.swapped });
    const extra = await client.fetchProtectedResource(config, accessToken, url, 'POST', body, headers);
    expect(extra.status).toBe(422);
    expect(await extra.json()).toEqual({
      status: 422,
      code: 'UNNECESSARY_IDENTIFIER',
      message: 'The device is already identified by the access token.',
    });
  }

  it('JWT-bearer (genericGrantRequest): the assertion authenticates the client', async () => {
    const config = await configure(client.None());
    const assertion = await signJwt(s.client, s.clock, {
      sub: `tel:${SUBSCRIBER.swapped}`,
      aud: config.serverMetadata().token_endpoint,
      scope: `${FRAUD} sim-swap:check`,
    });
    const tokens = await client.genericGrantRequest(config, GRANTS.jwtBearer, { assertion });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: `${FRAUD} sim-swap:check` });
    expect(tokens.refresh_token).toBeUndefined();
    await checkSimSwap(config, tokens.access_token);
  });

  it('CIBA poll mode to completion, through a consent the subscriber grants', async () => {
    s.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    const config = await configure(privateKeyJwt());
    // Time passes on the server's clock only: each poll comes one interval after the previous one,
    // and the subscriber answers while the client is polling.
    let polls = 0;
    config[client.customFetch] = (url, options) => {
      if (url.endsWith('/oauth2/token')) {
        s.clock.advance(5000);
        if (++polls === 2) s.consent.decide(s.consent.lastId(), 'granted');
      }
      return fetch(url, options as RequestInit);
    };
    try {
      const started = await client.initiateBackchannelAuthentication(config, {
        scope: `openid offline_access ${FRAUD} sim-swap:check`,
        login_hint: `tel:${SUBSCRIBER.swapped}`,
      });
      expect(started).toMatchObject({ expires_in: 300, interval: 5 });
      const tokens = await client.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 });
      expect(polls).toBe(2); // authorization_pending, then the tokens
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: s.url, aud: s.client.clientId, amr: ['client_asserted'] });
      expect(claims?.sub).toBe(await s.deps.tokens.pairwiseSubject(s.client.clientId, SUBSCRIBER.swapped));
      expect(tokens.refresh_token).toBeDefined();
      await checkSimSwap(config, tokens.access_token);

      // Refresh with rotation; the rotated-out token then fails and takes the family with it.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      await checkSimSwap(config, refreshed.access_token);
      await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject(
        {
          error: 'invalid_grant',
        },
      );
    } finally {
      s.consent.decisions.delete(SUBSCRIBER.swapped);
    }
  });

  it('authorization code + PKCE with network-based authentication, then refresh', async () => {
    const config = await configure(privateKeyJwt());
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: `openid offline_access ${FRAUD} sim-swap:check sim-swap:retrieve-date`,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'none',
    });
    // The browser on the mobile network; the operator's edge (127.0.0.1) names the device.
    const res = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(res.status).toBe(302);
    const callback = new URL(res.headers.get('location') as string);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.scope).toBe(`${FRAUD} sim-swap:check sim-swap:retrieve-date`);
    expect(tokens.claims()?.amr).toEqual(['nba']);
    expect((await s.deps.tokens.verify(tokens.access_token)).amr).toEqual(['nba']);
    await checkSimSwap(config, tokens.access_token);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect((await s.deps.tokens.verify(refreshed.access_token)).subscriber).toBe(SUBSCRIBER.swapped);
  });

  it('authorization code through the consent page and back (binding cookie over HTTP)', async () => {
    s.consent.decisions.set(SUBSCRIBER.cgnat, { allowed: false, reason: 'consent_required' });
    try {
      const config = await configure(privateKeyJwt());
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: `openid ${FRAUD} sim-swap:retrieve-date`,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st',
      });
      const device = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010' };
      const toConsent = await fetch(url, { redirect: 'manual', headers: device });
      expect(toConsent.status).toBe(302);
      const id = s.consent.lastId();
      expect(toConsent.headers.get('location')).toBe(`${s.url}/consent/${id}`);
      const cookie = (toConsent.headers.get('set-cookie') as string).split(';')[0] as string;
      s.consent.decide(id, 'granted'); // what the consent page records
      const back = await fetch(`${s.url}/oauth2/authorize/continue?consent_request=${id}`, {
        redirect: 'manual',
        headers: { cookie },
      });
      expect(back.status).toBe(302);
      const tokens = await client.authorizationCodeGrant(
        config,
        new URL(back.headers.get('location') as string),
        {
          pkceCodeVerifier: verifier,
          expectedState: 'st',
        },
      );
      expect((await s.deps.tokens.verify(tokens.access_token)).subscriber).toBe(SUBSCRIBER.cgnat);
    } finally {
      s.consent.decisions.delete(SUBSCRIBER.cgnat);
    }
  });

  it('authorization code with a signed request object (buildAuthorizationUrlWithJAR + clear parameters)', async () => {
    const config = await configure(privateKeyJwt());
    const verifier = client.randomPKCECodeVerifier();
    const params = {
      redirect_uri: REDIRECT_URI,
      scope: `openid ${FRAUD} sim-swap:check`,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'jar',
    };
    const jar = await client.buildAuthorizationUrlWithJAR(config, params, {
      key: s.client.privateKey,
      kid: s.client.kid,
    });
    // ICM §7.3: scope, response_type, client_id and redirect_uri are repeated in clear.
    for (const name of ['scope', 'response_type', 'redirect_uri'] as const)
      jar.searchParams.set(name, params[name]);
    const res = await fetch(jar, {
      redirect: 'manual',
      headers: { 'x-forwarded-for': '2001:db8::1', 'x-forwarded-port': '51000' },
    });
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(res.headers.get('location') as string),
      {
        pkceCodeVerifier: verifier,
        expectedState: 'jar',
      },
    );
    expect((await s.deps.tokens.verify(tokens.access_token)).subscriber).toBe(SUBSCRIBER.swapped);
  });
});
