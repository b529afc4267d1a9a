import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import {
  BC_AUTHORIZE_URL,
  basicAuth,
  clientAssertion,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  ISSUER,
  NV_SCOPES,
  oauthError,
  registerClient,
  signJwt,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from '../support/flows.js';

type Started = { auth_req_id: string; expires_in: number; interval: number };
type Tokens = {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
};

const SCOPE = `openid ${FRAUD} sim-swap:check`;

function bcAuthorize(p: FlowsPlatform, params: Record<string, string>, client: TestClient = p.client) {
  return formPost(p.app, '/oauth2/bc-authorize', params, { authorization: basicAuth(client) });
}

async function start(p: FlowsPlatform, params: Record<string, string> = {}): Promise<Started> {
  const res = await bcAuthorize(p, { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE, ...params });
  expect(res.status).toBe(200);
  return (await res.json()) as Started;
}

function poll(p: FlowsPlatform, authReqId: string, client: TestClient = p.client) {
  return tokenRequest(p.app, client, { grant_type: GRANTS.ciba, auth_req_id: authReqId });
}

describe('CIBA poll mode (CIBA Core, ICM §7.4)', () => {
  it('signs the ID token with the key that signs now, across a key rotation', async () => {
    const p = await flowsPlatform();
    const before = (await p.deps.keys.signingKey()).kid;
    p.clock.advance(48 * 3_600_000); // two embedded rotation periods, nobody asking in between
    const tokens = (await (await poll(p, (await start(p)).auth_req_id)).json()) as Tokens;
    const idToken = tokens.id_token as string;
    const kid = decodeProtectedHeader(idToken).kid;
    expect(kid).not.toBe(before);
    expect(kid).toBe(decodeProtectedHeader(tokens.access_token).kid);
    const jwks = (await (await p.app.request('/oauth2/jwks')).json()) as Parameters<
      typeof createLocalJWKSet
    >[0];
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
      issuer: ISSUER,
      audience: p.client.clientId,
      currentDate: new Date(p.clock.now()),
    });
    expect(payload.amr).toEqual(['client_asserted']);
  });

  it('approves at once when the legal basis exists, then issues tokens once', async () => {
    const p = await flowsPlatform();
    const res = await bcAuthorize(p, {
      login_hint: `tel:${SUBSCRIBER.swapped}`,
      scope: SCOPE,
      binding_message: 'ignored',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const started = (await res.json()) as Started;
    expect(Object.keys(started).sort()).toEqual(['auth_req_id', 'expires_in', 'interval']);
    expect(started).toMatchObject({ expires_in: 300, interval: 5 });
    expect(started.auth_req_id).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tokens = await poll(p, started.auth_req_id);
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as Tokens;
    expect(body.scope).toBe(`${FRAUD} sim-swap:check`);
    expect(body.refresh_token).toBeUndefined();
    const access = await p.deps.tokens.verify(body.access_token);
    expect(access.subscriber).toBe(SUBSCRIBER.swapped);
    // ICM §7.8: a tel: hint is not network authentication; Number Verification must refuse it.
    expect(access.amr).toEqual(['client_asserted']);

    const idToken = body.id_token as string;
    expect(decodeProtectedHeader(idToken)).toMatchObject({
      alg: 'ES256',
      typ: 'JWT',
      kid: (await p.deps.keys.signingKey()).kid,
    });
    const claims = decodeJwt(idToken);
    expect(claims).toMatchObject({ iss: ISSUER, aud: p.client.clientId, amr: ['client_asserted'] });
    expect(claims.sub).toBe(await p.deps.tokens.pairwiseSubject(p.client.clientId, SUBSCRIBER.swapped));
    expect(claims.auth_time).toBe(Math.floor(p.clock.now() / 1000));
    expect(typeof claims.at_hash).toBe('string');
    expect(JSON.stringify(claims)).not.toContain('600000001');

    p.clock.advance(5000);
    expect(await oauthError(await poll(p, started.auth_req_id))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('authenticates the client with private_key_jwt (aud bc-authorize URL or issuer)', async () => {
    const p = await flowsPlatform();
    for (const aud of [BC_AUTHORIZE_URL, ISSUER]) {
      const res = await formPost(p.app, '/oauth2/bc-authorize', {
        login_hint: `tel:${SUBSCRIBER.swapped}`,
        scope: SCOPE,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await clientAssertion(p.client, p.clock, aud),
      });
      expect(res.status).toBe(200);
    }
  });

  it.each([
    ['ipport: IPv4 registered without port', 'ipport:198.51.100.1', SUBSCRIBER.swapped, 'client_asserted'],
    ['ipport: IPv4 with the CGNAT port', 'ipport:198.51.100.10:40010', SUBSCRIBER.cgnat, 'client_asserted'],
    ['ipport: IPv6 with port', 'ipport:[2001:db8::1]:8080', SUBSCRIBER.swapped, 'client_asserted'],
    ['operatortoken:', 'operatortoken:ts43-sandbox-0001', SUBSCRIBER.swapped, 'operatortoken'],
  ])('identifies the subscriber by %s', async (_, hint, subscriber, amr) => {
    const p = await flowsPlatform();
    const { auth_req_id } = await start(p, { login_hint: hint });
    const access = await p.deps.tokens.verify(
      ((await (await poll(p, auth_req_id)).json()) as Tokens).access_token,
    );
    expect(access.subscriber).toBe(subscriber);
    expect(access.amr).toEqual([amr]);
  });

  it.each([
    ['a tel: number nobody holds', 'tel:+34699999999'],
    ['an address on no device', 'ipport:203.0.113.9'],
    ['the CGNAT IP with another port', 'ipport:198.51.100.10:40011'],
    ['an unknown operator token', 'operatortoken:nope'],
  ])('answers %s like a subscriber who objected, never unknown_user_id', async (_, hint) => {
    const p = await flowsPlatform();
    // Legitimate interest (the scripted default): a subscriber gets tokens, one who objected 403.
    p.consent.decisions.set(SUBSCRIBER.plain, { allowed: false, reason: 'opted_out' });
    const objected = await bcAuthorize(p, { login_hint: `tel:${SUBSCRIBER.plain}`, scope: SCOPE });
    const nobody = await bcAuthorize(p, { login_hint: hint, scope: SCOPE });
    expect(nobody.status).toBe(403);
    expect(await nobody.json()).toEqual(await objected.json());
    expect(await oauthError(await bcAuthorize(p, { login_hint: hint, scope: SCOPE }))).toEqual({
      status: 403,
      error: 'access_denied',
    });
  });

  it.each([
    ['a tel: number nobody holds', 'tel:+34699999999', '+34699999999'],
    ['an address on no device', 'ipport:203.0.113.9', 'ipport:203.0.113.9'],
    ['an unknown operator token', 'operatortoken:nope', 'operatortoken:nope'],
  ])('keeps %s pending until it expires when consent is needed, asking no one', async (_, hint, standIn) => {
    const p = await flowsPlatform();
    p.consent.decisions.set(standIn, { allowed: false, reason: 'consent_required' });
    const { auth_req_id } = await start(p, { login_hint: hint });
    expect(p.consent.asked).toMatchObject([{ subscriber: standIn, source: 'ciba', reachable: false }]);
    expect(await oauthError(await poll(p, auth_req_id))).toEqual({
      status: 400,
      error: 'authorization_pending',
    });
    // Even a grant recorded for the stand-in never turns a request for nobody into tokens.
    p.consent.decide(p.consent.lastId(), 'granted');
    p.clock.advance(p.deps.config.ciba.intervalSeconds * 1000);
    expect(await oauthError(await poll(p, auth_req_id))).toEqual({
      status: 400,
      error: 'authorization_pending',
    });
    p.clock.advance(p.deps.config.ciba.expiresInSeconds * 1000);
    expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'expired_token' });
  });

  it.each([
    ['no login_hint', { scope: SCOPE }],
    ['a malformed login_hint', { scope: SCOPE, login_hint: '+34600000001' }],
    ['an ipport: with a bad octet', { scope: SCOPE, login_hint: 'ipport:300.1.1.1' }],
    ['login_hint_token', { scope: SCOPE, login_hint: `tel:${SUBSCRIBER.swapped}`, login_hint_token: 'x' }],
    ['id_token_hint', { scope: SCOPE, login_hint: `tel:${SUBSCRIBER.swapped}`, id_token_hint: 'x' }],
    ['request_uri', { request_uri: 'urn:example:1' }],
    [
      'an oversized parameter',
      { scope: SCOPE, login_hint: `tel:${SUBSCRIBER.swapped}`, binding_message: 'x'.repeat(9000) },
    ],
  ])('answers invalid_request for %s', async (_, params) => {
    const p = await flowsPlatform();
    expect(await oauthError(await bcAuthorize(p, params))).toEqual({ status: 400, error: 'invalid_request' });
  });

  it.each([
    ['two purposes', `openid ${FRAUD} dpv:Marketing sim-swap:check`],
    ['an unknown scope', `openid ${FRAUD} sim-swap:nothing`],
    ['no API scope', `openid ${FRAUD}`],
    ['no purpose', 'openid sim-swap:check'],
    ['offline_access with a Number Verification scope', `openid offline_access ${FRAUD} ${NV_SCOPES[0]}`],
  ])('answers invalid_scope for %s', async (_, scope) => {
    const p = await flowsPlatform();
    const res = await bcAuthorize(p, { login_hint: `tel:${SUBSCRIBER.swapped}`, scope });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_scope' });
  });

  it('refuses a client without the CIBA grant (unauthorized_client) and a bad secret (invalid_client)', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps, { grantTypes: [GRANTS.jwtBearer] });
    const params = { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE };
    expect(await oauthError(await bcAuthorize(p, params, other))).toEqual({
      status: 400,
      error: 'unauthorized_client',
    });
    const wrong = { ...p.client, secret: 'wrong' };
    expect(await oauthError(await bcAuthorize(p, params, wrong))).toEqual({
      status: 401,
      error: 'invalid_client',
    });
  });

  it('refuses at once a subscriber who opted out: 403 access_denied', async () => {
    const p = await flowsPlatform();
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'opted_out' });
    const res = await bcAuthorize(p, { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE });
    expect(await oauthError(res)).toEqual({ status: 403, error: 'access_denied' });
  });

  it('refuses a request approved at once when the legal basis is gone by the poll, then forgets it', async () => {
    const p = await flowsPlatform();
    const { auth_req_id } = await start(p);
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'access_denied' });
    p.consent.decisions.delete(SUBSCRIBER.swapped);
    p.clock.advance(5000);
    expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  describe('when consent must be captured', () => {
    const needsConsent = async () => {
      const p = await flowsPlatform();
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
      return p;
    };

    it('is pending until the subscriber grants, with slow_down for fast polling', async () => {
      const p = await needsConsent();
      const { auth_req_id } = await start(p);
      expect(p.consent.asked).toEqual([
        expect.objectContaining({
          source: 'ciba',
          ttlSeconds: 300,
          subscriber: SUBSCRIBER.swapped,
          purpose: FRAUD,
        }),
      ]);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({
        status: 400,
        error: 'authorization_pending',
      });
      p.clock.advance(4999);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'slow_down' });
      // CIBA §11: the interval is now 10 s.
      p.clock.advance(5000);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'slow_down' });
      p.clock.advance(15_000);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({
        status: 400,
        error: 'authorization_pending',
      });
      p.consent.decide(p.consent.lastId(), 'granted');
      p.clock.advance(15_000);
      const res = await poll(p, auth_req_id);
      expect(res.status).toBe(200);
      const claims = decodeJwt(((await res.json()) as Tokens).id_token as string);
      expect(claims.auth_time).toBe(Math.floor(p.clock.now() / 1000));
    });

    it('answers access_denied (400) when the subscriber refuses, then forgets the request', async () => {
      const p = await needsConsent();
      const { auth_req_id } = await start(p);
      p.consent.decide(p.consent.lastId(), 'denied');
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'access_denied' });
      p.clock.advance(5000);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('settles when the legal basis comes another way (another request answered, an import)', async () => {
      const p = await needsConsent();
      const { auth_req_id } = await start(p);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({
        status: 400,
        error: 'authorization_pending',
      });
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: true, basis: 'consent' });
      p.clock.advance(5000);
      expect((await poll(p, auth_req_id)).status).toBe(200);
    });

    it('answers expired_token once expires_in has passed', async () => {
      const p = await needsConsent();
      const { auth_req_id, expires_in } = await start(p);
      p.clock.advance(expires_in * 1000);
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'expired_token' });
    });

    it('answers expired_token when the consent request expired', async () => {
      const p = await needsConsent();
      const { auth_req_id } = await start(p);
      p.consent.decide(p.consent.lastId(), 'expired');
      expect(await oauthError(await poll(p, auth_req_id))).toEqual({ status: 400, error: 'expired_token' });
    });
  });

  it('fails closed when the store is down: 503 temporarily_unavailable', async () => {
    const p = await flowsPlatform();
    const { auth_req_id } = await start(p);
    p.deps.store.get = async () => {
      throw new StoreUnavailableError();
    };
    const res = await poll(p, auth_req_id);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await oauthError(res)).toEqual({ status: 503, error: 'temporarily_unavailable' });
  });

  it('binds auth_req_id to its client', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps);
    const { auth_req_id } = await start(p);
    expect(await oauthError(await poll(p, auth_req_id, other))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await poll(p, auth_req_id)).status).toBe(200);
  });

  it('requires auth_req_id and refuses an unknown one', async () => {
    const p = await flowsPlatform();
    const missing = await tokenRequest(p.app, p.client, { grant_type: GRANTS.ciba });
    expect(await oauthError(missing)).toEqual({ status: 400, error: 'invalid_request' });
    expect(await oauthError(await poll(p, 'unknown'))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('issues a refresh token with offline_access', async () => {
    const p = await flowsPlatform();
    const { auth_req_id } = await start(p, { scope: `openid offline_access ${FRAUD} sim-swap:check` });
    const body = (await (await poll(p, auth_req_id)).json()) as Tokens;
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.scope).toBe(`${FRAUD} sim-swap:check`);
  });

  it('gives Number Verification tokens at most 300 s', async () => {
    const p = await flowsPlatform({ env: { ACCESS_TOKEN_TTL_SECONDS: '3600' } });
    const { auth_req_id } = await start(p, {
      login_hint: 'operatortoken:ts43-sandbox-0001',
      scope: `openid ${FRAUD} ${NV_SCOPES[0]}`,
    });
    const body = (await (await poll(p, auth_req_id)).json()) as Tokens;
    expect(body.expires_in).toBe(300);
    expect(decodeJwt(body.access_token).exp).toBe(Math.floor(p.clock.now() / 1000) + 300);
    const sim = await start(p, { scope: `${FRAUD} sim-swap:check` });
    expect(((await (await poll(p, sim.auth_req_id)).json()) as Tokens).expires_in).toBe(3600);
  });

  it('takes every parameter from a signed request object', async () => {
    const p = await flowsPlatform();
    const request = await signJwt(p.client, p.clock, {
      aud: BC_AUTHORIZE_URL,
      login_hint: 'operatortoken:ts43-sandbox-0010',
      scope: SCOPE,
    });
    const res = await bcAuthorize(p, { request });
    expect(res.status).toBe(200);
    const { auth_req_id } = (await res.json()) as Started;
    const access = await p.deps.tokens.verify(
      ((await (await poll(p, auth_req_id)).json()) as Tokens).access_token,
    );
    expect(access.subscriber).toBe(SUBSCRIBER.cgnat);
  });

  it('refuses parameters outside a request object: invalid_request', async () => {
    const p = await flowsPlatform();
    const request = await signJwt(p.client, p.clock, {
      aud: BC_AUTHORIZE_URL,
      login_hint: `tel:${SUBSCRIBER.swapped}`,
      scope: SCOPE,
    });
    const res = await bcAuthorize(p, { request, login_hint: `tel:${SUBSCRIBER.plain}` });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
  });
});
