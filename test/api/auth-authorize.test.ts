import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import {
  flowsPlatform,
  fromDevice,
  FRAUD,
  GRANTS,
  ISSUER,
  NV_SCOPES,
  oauthError,
  REDIRECT_URI,
  registerClient,
  SUBSCRIBER,
} from '../support/flows.js';
import {
  authorize,
  authorizeParams,
  codeFor,
  DEVICE,
  exchange,
  redirected,
  type Tokens,
} from '../support/authorize.js';

describe('authorization code + PKCE with network-based authentication (ICM §7.1, §7.8)', () => {
  it('identifies the subscriber by the device address and issues a code, then tokens once', async () => {
    const p = await flowsPlatform();
    const { res, verifier } = await authorize(p);
    const params = redirected(res);
    expect(params.get('state')).toBe('state-123');
    expect([...params.keys()].sort()).toEqual(['code', 'iss', 'state']);

    const tokens = await exchange(p, params.get('code') as string, verifier);
    expect(tokens.status).toBe(200);
    const body = (await tokens.json()) as Tokens;
    expect(body.scope).toBe(`${FRAUD} sim-swap:check`);
    expect(body.refresh_token).toBeUndefined();
    const access = await p.deps.tokens.verify(body.access_token);
    expect(access.subscriber).toBe(SUBSCRIBER.swapped);
    expect(access.amr).toEqual(['nba']);
    const claims = decodeJwt(body.id_token as string);
    expect(claims).toMatchObject({ iss: ISSUER, aud: p.client.clientId, nonce: 'nonce-456', amr: ['nba'] });
    expect(claims.auth_time).toBe(Math.floor(p.clock.now() / 1000));
    expect(claims.sub).toBe(decodeJwt(body.access_token).sub);
    expect(JSON.stringify(claims)).not.toContain('600000001');

    const reuse = await exchange(p, params.get('code') as string, verifier);
    expect(await oauthError(reuse)).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('accepts POST with a form body (OIDC Core §3.1.2.1)', async () => {
    const p = await flowsPlatform();
    const { query } = await authorizeParams(p);
    const res = await fromDevice(p.app, '/oauth2/authorize', DEVICE, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query.toString(),
    });
    expect(redirected(res).has('code')).toBe(true);
  });

  it('ignores login_hint and acr_values (ICM §7.4): the network decides who the user is', async () => {
    const p = await flowsPlatform();
    const { code, verifier } = await codeFor(p, {
      login_hint: `tel:${SUBSCRIBER.plain}`,
      acr_values: 'urn:x',
    });
    const body = (await (await exchange(p, code, verifier)).json()) as Tokens;
    expect((await p.deps.tokens.verify(body.access_token)).subscriber).toBe(SUBSCRIBER.swapped);
  });

  describe('errors shown to the user agent, never redirected (RFC 6749 §4.1.2.1)', () => {
    it.each([
      ['no client_id', { client_id: undefined }],
      ['an unknown client_id', { client_id: 'nobody' }],
      ['no redirect_uri', { redirect_uri: undefined }],
      ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.example/callback' }],
      ['a redirect_uri with an extra query', { redirect_uri: `${REDIRECT_URI}?x=1` }],
      ['a redirect_uri differing by a trailing slash', { redirect_uri: `${REDIRECT_URI}/` }],
      ['an oversized parameter', { state: 'x'.repeat(9000) }],
    ])('%s → 400 invalid_request', async (_, overrides) => {
      const p = await flowsPlatform();
      const { res } = await authorize(p, overrides);
      expect(res.headers.get('location')).toBeNull();
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
    });

    it('a repeated parameter → 400 invalid_request', async () => {
      const p = await flowsPlatform();
      const { query } = await authorizeParams(p);
      const res = await fromDevice(p.app, `/oauth2/authorize?${query}&scope=x`, DEVICE);
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
    });

    it('a suspended client → 400 invalid_request', async () => {
      const p = await flowsPlatform();
      await p.deps.applications.put({ ...p.client.app, status: 'suspended' });
      const { res } = await authorize(p);
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
    });
  });

  describe('errors redirected to the client', () => {
    it.each([
      ['no response_type', { response_type: undefined }, 'invalid_request'],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
      ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
      ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      [
        'no code_challenge_method (plain by default)',
        { code_challenge_method: undefined },
        'invalid_request',
      ],
      ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
      ['a malformed code_challenge', { code_challenge: 'short' }, 'invalid_request'],
      ['two purposes', { scope: `openid ${FRAUD} dpv:Marketing sim-swap:check` }, 'invalid_scope'],
      ['an unknown scope', { scope: `openid ${FRAUD} sim-swap:unknown` }, 'invalid_scope'],
      [
        'offline_access with Number Verification',
        { scope: `openid offline_access ${FRAUD} ${NV_SCOPES[1]}` },
        'invalid_scope',
      ],
      ['an unknown prompt', { prompt: 'always' }, 'invalid_request'],
      ['prompt=none with another value', { prompt: 'none consent' }, 'invalid_request'],
      ['request_uri', { request_uri: 'https://client.example/r/1' }, 'request_uri_not_supported'],
    ])('%s → error=%s, state echoed', async (_, overrides, error) => {
      const p = await flowsPlatform();
      const { res } = await authorize(p, overrides);
      const params = redirected(res);
      expect(params.get('error')).toBe(error);
      expect(params.get('state')).toBe('state-123');
      expect(params.has('code')).toBe(false);
    });

    it('a client without the authorization code grant → unauthorized_client', async () => {
      const p = await flowsPlatform();
      const other = await registerClient(p.deps, { grantTypes: [GRANTS.ciba] });
      const { res } = await authorize(p, { client_id: other.clientId });
      expect(redirected(res).get('error')).toBe('unauthorized_client');
    });

    it('a device the network does not know → access_denied (a login would need interaction)', async () => {
      const p = await flowsPlatform();
      const { res } = await authorize(p, {}, { ip: '203.0.113.7' });
      expect(redirected(res).get('error')).toBe('access_denied');
      const { query } = await authorizeParams(p);
      const noSocket = await p.app.request(`/oauth2/authorize?${query}`);
      expect(redirected(noSocket).get('error')).toBe('access_denied');
    });

    it('a CGNAT address needs the right port', async () => {
      const p = await flowsPlatform();
      const wrong = await authorize(p, {}, { ip: '198.51.100.10', port: 40011 });
      expect(redirected(wrong.res).get('error')).toBe('access_denied');
      const right = await authorize(p, {}, { ip: '198.51.100.10', port: 40010 });
      expect(redirected(right.res).has('code')).toBe(true);
    });

    it('the store down → temporarily_unavailable (fail closed, no code)', async () => {
      const p = await flowsPlatform();
      p.deps.store.set = async () => {
        throw new StoreUnavailableError();
      };
      const { res } = await authorize(p);
      const params = redirected(res);
      expect(params.get('error')).toBe('temporarily_unavailable');
      expect(params.get('error_description')).toBe('service temporarily unavailable');
    });

    it('a subscriber who opted out → access_denied', async () => {
      const p = await flowsPlatform();
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'opted_out' });
      const { res } = await authorize(p);
      expect(redirected(res).get('error')).toBe('access_denied');
    });

    it('consent needed with prompt=none → consent_required, no consent request', async () => {
      const p = await flowsPlatform();
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
      const { res } = await authorize(p, { prompt: 'none' });
      expect(redirected(res).get('error')).toBe('consent_required');
      expect(p.consent.asked).toEqual([]);
    });
  });
});
