import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { post } from '../support/app.js';
import { authorize, codeFor, exchange, redirected, type Tokens } from '../support/authorize.js';
import {
  flowsPlatform,
  FRAUD,
  GRANTS,
  ISSUER,
  NV_SCOPES,
  oauthError,
  REDIRECT_URI,
  pkce,
  registerClient,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
} from '../support/flows.js';

describe('authorization code: consent and the token endpoint', () => {
  describe('consent captured in-band (ICM §7.6)', () => {
    async function toConsentPage(p: FlowsPlatform) {
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
      const { res, verifier } = await authorize(p);
      expect(res.status).toBe(302);
      const id = p.consent.lastId();
      expect(res.headers.get('location')).toBe(`${ISSUER}/consent/${id}`);
      const cookie = res.headers.get('set-cookie') as string;
      expect(cookie).toMatch(
        new RegExp(
          `^cg_authz_${id}=[A-Za-z0-9_-]{43}; Max-Age=600; Path=/oauth2/authorize; HttpOnly; SameSite=Lax$`,
        ),
      );
      return { id, verifier, cookie: cookie.split(';')[0] as string };
    }
    const back = (p: FlowsPlatform, id: string, cookie?: string) =>
      p.app.request(`/oauth2/authorize/continue?consent_request=${id}`, {
        headers: cookie ? { cookie } : {},
      });

    it('sends the browser to the consent page and issues a code once granted', async () => {
      const p = await flowsPlatform();
      const { id, verifier, cookie } = await toConsentPage(p);
      expect(p.consent.asked).toEqual([
        expect.objectContaining({
          source: 'authorize',
          ttlSeconds: 600,
          clientId: p.client.clientId,
          purpose: FRAUD,
        }),
      ]);
      p.consent.decide(id, 'granted');
      const res = await back(p, id, cookie);
      const params = redirected(res);
      expect(params.get('state')).toBe('state-123');
      const tokens = await exchange(p, params.get('code') as string, verifier);
      expect(tokens.status).toBe(200);
      expect(decodeJwt(((await tokens.json()) as Tokens).id_token as string).nonce).toBe('nonce-456');
      // Only once.
      expect(await oauthError(await back(p, id, cookie))).toEqual({ status: 400, error: 'invalid_request' });
    });

    it.each([
      ['denied', 'access_denied'],
      ['pending', 'access_denied'],
      ['expired', 'access_denied'],
    ] as const)('a %s consent request → %s', async (status, error) => {
      const p = await flowsPlatform();
      const { id, cookie } = await toConsentPage(p);
      p.consent.decide(id, status);
      const params = redirected(await back(p, id, cookie));
      expect(params.get('error')).toBe(error);
      expect(params.get('state')).toBe('state-123');
    });

    it('another browser (no binding cookie) → access_denied', async () => {
      const p = await flowsPlatform();
      const { id } = await toConsentPage(p);
      p.consent.decide(id, 'granted');
      expect(redirected(await back(p, id, `cg_authz_${id}=forged`)).get('error')).toBe('access_denied');
    });

    it('an unknown or malformed consent_request → 400 invalid_request', async () => {
      const p = await flowsPlatform();
      expect(await oauthError(await back(p, crypto.randomUUID()))).toEqual({
        status: 400,
        error: 'invalid_request',
      });
      expect(await oauthError(await back(p, 'a%20b'))).toEqual({ status: 400, error: 'invalid_request' });
      expect(await oauthError(await p.app.request('/oauth2/authorize/continue'))).toEqual({
        status: 400,
        error: 'invalid_request',
      });
    });
  });

  describe('the code at the token endpoint', () => {
    it('is bound to the PKCE verifier', async () => {
      const p = await flowsPlatform();
      const { code } = await codeFor(p);
      const other = await pkce();
      expect(await oauthError(await exchange(p, code, other.verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    it('requires a well-formed code_verifier', async () => {
      const p = await flowsPlatform();
      const { code } = await codeFor(p);
      const missing = await tokenRequest(p.app, p.client, {
        grant_type: GRANTS.authorizationCode,
        code,
        redirect_uri: REDIRECT_URI,
      });
      expect(await oauthError(missing)).toEqual({ status: 400, error: 'invalid_request' });
      expect(await oauthError(await exchange(p, code, 'too-short'))).toEqual({
        status: 400,
        error: 'invalid_request',
      });
    });

    it('is bound to the redirect_uri', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p);
      const res = await exchange(p, code, verifier, { redirect_uri: 'https://client.example/other' });
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('is bound to the client', async () => {
      const p = await flowsPlatform();
      const other = await registerClient(p.deps);
      const { code, verifier } = await codeFor(p);
      expect(await oauthError(await exchange(p, code, verifier, {}, other))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    it('gives nothing once the legal basis is gone (consent withdrawn since the code was issued)', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p);
      p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      p.consent.decisions.delete(SUBSCRIBER.swapped);
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    it('expires after 60 s', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p);
      p.clock.advance(60_000);
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    it('reused, revokes the refresh token it gave', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p, { scope: `openid offline_access ${FRAUD} sim-swap:check` });
      const body = (await (await exchange(p, code, verifier)).json()) as Tokens;
      expect(body.refresh_token).toBeDefined();
      expect((await exchange(p, code, verifier)).status).toBe(400);
      const refresh = await tokenRequest(p.app, p.client, {
        grant_type: GRANTS.refreshToken,
        refresh_token: body.refresh_token as string,
      });
      expect(await oauthError(refresh)).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('reused, revokes the access token it gave: the SIM Swap call is then 401 (RFC 6749 §4.1.2)', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p);
      const body = (await (await exchange(p, code, verifier)).json()) as Tokens;
      expect((await post(p.app, '/sim-swap/v2/check', {}, body.access_token)).status).toBe(200);
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      const call = await post(p.app, '/sim-swap/v2/check', {}, body.access_token);
      expect(call.status).toBe(401);
      expect(call.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
      expect(await call.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      // A third presentation is refused the same way.
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    });

    it('reused while its tokens are being issued: both refused, the tokens revoked', async () => {
      const p = await flowsPlatform();
      const { code, verifier } = await codeFor(p, { scope: `openid offline_access ${FRAUD} sim-swap:check` });
      const issue = p.deps.tokens.issue.bind(p.deps.tokens);
      let issued: string | undefined;
      let second: Response | undefined;
      vi.spyOn(p.deps.tokens, 'issue').mockImplementationOnce(async (input) => {
        const token = await issue(input);
        issued = token.token;
        second = await exchange(p, code, verifier); // an attacker with the same code, meanwhile
        return token;
      });
      expect(await oauthError(await exchange(p, code, verifier))).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
      expect(await oauthError(second as Response)).toEqual({ status: 400, error: 'invalid_grant' });
      expect((await post(p.app, '/sim-swap/v2/check', {}, issued)).status).toBe(401);
    });

    it('gives Number Verification tokens at most 300 s and never a refresh token', async () => {
      const p = await flowsPlatform({ env: { ACCESS_TOKEN_TTL_SECONDS: '3600' } });
      const { code, verifier } = await codeFor(p, { scope: `openid ${FRAUD} ${NV_SCOPES[0]}` });
      const body = (await (await exchange(p, code, verifier)).json()) as Tokens;
      expect(body.expires_in).toBe(300);
      expect(body.refresh_token).toBeUndefined();
    });
  });
});
