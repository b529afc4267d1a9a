import { describe, expect, it } from 'vitest';
import { post } from '../support/app.js';
import {
  basicAuth,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  ISSUER,
  oauthError,
  registerClient,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from '../support/flows.js';

/** Refresh tokens at the introspection (RFC 7662) and revocation (RFC 7009) endpoints. */

type Tokens = { access_token: string; refresh_token?: string };

const SCOPE = `offline_access ${FRAUD} sim-swap:check`;
const CHECK = '/sim-swap/v2/check';
const NOT_OWNED = {
  error: 'unauthorized_client',
  error_description: 'the token was not issued to this client',
};

/** Tokens with a refresh token, from a CIBA flow approved at once (legitimate interest). */
async function tokensFor(p: FlowsPlatform, client: TestClient = p.client): Promise<Required<Tokens>> {
  const started = await formPost(
    p.app,
    '/oauth2/bc-authorize',
    { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE },
    { authorization: basicAuth(client) },
  );
  const { auth_req_id } = (await started.json()) as { auth_req_id: string };
  const res = await tokenRequest(p.app, client, { grant_type: GRANTS.ciba, auth_req_id });
  expect(res.status).toBe(200);
  return (await res.json()) as Required<Tokens>;
}

const refresh = (p: FlowsPlatform, token: string, client: TestClient = p.client) =>
  tokenRequest(p.app, client, { grant_type: GRANTS.refreshToken, refresh_token: token });
const introspect = (
  p: FlowsPlatform,
  token: string,
  client: TestClient,
  extra: Record<string, string> = {},
) => formPost(p.app, '/oauth2/introspect', { token, ...extra }, { authorization: basicAuth(client) });
const revoke = (p: FlowsPlatform, token: string, client: TestClient, extra: Record<string, string> = {}) =>
  formPost(p.app, '/oauth2/revoke', { token, ...extra }, { authorization: basicAuth(client) });
const simSwapCheck = (p: FlowsPlatform, accessToken: string) => post(p.app, CHECK, {}, accessToken);

describe('refresh tokens at introspection and revocation', () => {
  it('introspects an active refresh token for its client: pairwise sub, never the phone number', async () => {
    const p = await flowsPlatform();
    const t0 = Math.floor(p.clock.now() / 1000);
    const { refresh_token } = await tokensFor(p);
    for (const extra of [{ token_type_hint: 'refresh_token' }, {}] as Record<string, string>[]) {
      const res = await introspect(p, refresh_token, p.client, extra);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({
        active: true,
        scope: `${FRAUD} sim-swap:check`,
        client_id: p.client.clientId,
        token_type: 'refresh_token',
        exp: t0 + 2_592_000, // REFRESH_TOKEN_TTL_SECONDS: the family's absolute end
        iat: t0,
        sub: await p.deps.tokens.pairwiseSubject(p.client.clientId, SUBSCRIBER.swapped),
        iss: ISSUER,
      });
      expect(JSON.stringify(body)).not.toContain(SUBSCRIBER.swapped.slice(1));
    }
  });

  it('shows a rotated token as inactive, its successor as active with its own iat', async () => {
    const p = await flowsPlatform();
    const first = (await tokensFor(p)).refresh_token;
    p.clock.advance(60_000);
    const second = ((await (await refresh(p, first)).json()) as Tokens).refresh_token as string;
    expect(await (await introspect(p, first, p.client)).json()).toEqual({ active: false });
    expect(await (await introspect(p, second, p.client)).json()).toMatchObject({
      active: true,
      iat: Math.floor(p.clock.now() / 1000),
    });
  });

  it('tells another client nothing and does not let it revoke the token', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps);
    const { refresh_token } = await tokensFor(p);
    const hint = { token_type_hint: 'refresh_token' };
    expect(await (await introspect(p, refresh_token, other, hint)).json()).toEqual({ active: false });
    const refused = await revoke(p, refresh_token, other, hint);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual(NOT_OWNED);
    expect(await (await introspect(p, refresh_token, p.client)).json()).toMatchObject({ active: true });
    expect((await refresh(p, refresh_token)).status).toBe(200);
  });

  it('revoked by its client: the refresh grant fails with invalid_grant, the family is ended', async () => {
    const p = await flowsPlatform();
    const { access_token, refresh_token } = await tokensFor(p);
    expect((await simSwapCheck(p, access_token)).status).toBe(200);
    const res = await revoke(p, refresh_token, p.client, { token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await oauthError(await refresh(p, refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect(await (await introspect(p, refresh_token, p.client)).json()).toEqual({ active: false });
    // RFC 7009 §2.1: the access tokens of the same grant go too.
    const call = await simSwapCheck(p, access_token);
    expect(call.status).toBe(401);
    expect(call.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    expect(await (await introspect(p, access_token, p.client)).json()).toEqual({ active: false });
    // Revoking again is still 200 (RFC 7009 §2.2).
    expect((await revoke(p, refresh_token, p.client)).status).toBe(200);
  });

  it('found without a hint too, and ends every access token issued in the family since', async () => {
    const p = await flowsPlatform();
    const first = await tokensFor(p);
    const rotated = (await (await refresh(p, first.refresh_token)).json()) as Required<Tokens>;
    for (const token of [first.access_token, rotated.access_token]) {
      expect((await simSwapCheck(p, token)).status).toBe(200);
    }
    expect((await revoke(p, rotated.refresh_token, p.client)).status).toBe(200);
    for (const token of [first.access_token, rotated.access_token]) {
      expect((await simSwapCheck(p, token)).status).toBe(401);
    }
    expect(await oauthError(await refresh(p, rotated.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('revoking an access token leaves the refresh token of the grant usable', async () => {
    const p = await flowsPlatform();
    const { access_token, refresh_token } = await tokensFor(p);
    expect((await revoke(p, access_token, p.client)).status).toBe(200);
    expect((await simSwapCheck(p, access_token)).status).toBe(401);
    const res = await refresh(p, refresh_token);
    expect(res.status).toBe(200);
    const { access_token: fresh } = (await res.json()) as Tokens;
    expect((await simSwapCheck(p, fresh)).status).toBe(200);
  });
});
