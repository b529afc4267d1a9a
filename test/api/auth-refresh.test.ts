import { describe, expect, it } from 'vitest';
import {
  basicAuth,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  oauthError,
  registerClient,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from '../support/flows.js';
import { refreshKeys } from '../../src/store/keys.js';

type Tokens = {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  scope: string;
  expires_in: number;
};

const FULL = `openid offline_access ${FRAUD} sim-swap:check sim-swap:retrieve-date`;

/** A refresh token from a CIBA flow with offline_access (silent approval). */
async function refreshTokenFor(p: FlowsPlatform, client: TestClient = p.client): Promise<string> {
  const started = await formPost(
    p.app,
    '/oauth2/bc-authorize',
    { login_hint: 'operatortoken:ts43-sandbox-0001', scope: FULL },
    { authorization: basicAuth(client) },
  );
  const { auth_req_id } = (await started.json()) as { auth_req_id: string };
  const res = await tokenRequest(p.app, client, { grant_type: GRANTS.ciba, auth_req_id });
  const body = (await res.json()) as Tokens;
  return body.refresh_token as string;
}

function refresh(
  p: FlowsPlatform,
  token: string,
  extra: Record<string, string> = {},
  client: TestClient = p.client,
) {
  return tokenRequest(p.app, client, { grant_type: GRANTS.refreshToken, refresh_token: token, ...extra });
}

describe('refresh tokens (ICM §7.5: offline_access, rotation)', () => {
  it('rotates on every use, keeping subscriber, purpose, scopes and amr', async () => {
    const p = await flowsPlatform();
    const first = await refreshTokenFor(p);
    p.clock.advance(60_000);
    const res = await refresh(p, first);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Tokens;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(body.scope).toBe(`${FRAUD} sim-swap:check sim-swap:retrieve-date`);
    expect(body.refresh_token).not.toBe(first);
    const access = await p.deps.tokens.verify(body.access_token);
    expect(access.subscriber).toBe(SUBSCRIBER.swapped);
    expect(access.amr).toEqual(['operatortoken']);
    const again = await refresh(p, body.refresh_token as string);
    expect(again.status).toBe(200);
  });

  it('stores refresh tokens only hashed', async () => {
    const p = await flowsPlatform();
    const token = await refreshTokenFor(p);
    const { sha256Hex } = await import('../../src/hash.js');
    expect(await p.deps.store.get(refreshKeys.token(token))).toBeNull();
    expect(await p.deps.store.get(refreshKeys.token(sha256Hex(token)))).not.toBeNull();
  });

  it('kills the whole family when a rotated token comes back (reuse detection)', async () => {
    const p = await flowsPlatform();
    const first = await refreshTokenFor(p);
    const second = ((await (await refresh(p, first)).json()) as Tokens).refresh_token as string;
    expect(await oauthError(await refresh(p, first))).toEqual({ status: 400, error: 'invalid_grant' });
    // The legitimate holder's current token died with the family.
    expect(await oauthError(await refresh(p, second))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('narrows the access token on request but keeps the whole grant in the rotated token', async () => {
    const p = await flowsPlatform();
    const first = await refreshTokenFor(p);
    const narrow = (await (await refresh(p, first, { scope: `${FRAUD} sim-swap:check` })).json()) as Tokens;
    expect(narrow.scope).toBe(`${FRAUD} sim-swap:check`);
    const full = (await (await refresh(p, narrow.refresh_token as string)).json()) as Tokens;
    expect(full.scope).toBe(`${FRAUD} sim-swap:check sim-swap:retrieve-date`);
  });

  it.each([
    ['a scope beyond the grant', `${FRAUD} sim-swap`],
    ['another purpose', 'dpv:Marketing sim-swap:check'],
  ])('refuses %s with invalid_scope and leaves the token usable', async (_, scope) => {
    const p = await flowsPlatform();
    const token = await refreshTokenFor(p);
    expect(await oauthError(await refresh(p, token, { scope }))).toEqual({
      status: 400,
      error: 'invalid_scope',
    });
    expect((await refresh(p, token)).status).toBe(200);
  });

  it('refuses with invalid_grant once consent is withdrawn, and the family stays dead', async () => {
    const p = await flowsPlatform();
    const token = await refreshTokenFor(p);
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'opted_out' });
    const res = await refresh(p, token);
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
    p.consent.decisions.delete(SUBSCRIBER.swapped);
    expect(await oauthError(await refresh(p, token))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('refuses with invalid_grant when the application is suspended', async () => {
    const p = await flowsPlatform();
    const token = await refreshTokenFor(p);
    await p.deps.applications.put({ ...p.client.app, status: 'suspended' });
    expect(await oauthError(await refresh(p, token))).toEqual({ status: 400, error: 'invalid_grant' });
    // A suspended client still cannot authenticate with a wrong secret, nor use other grants.
    expect(await oauthError(await refresh(p, token, {}, { ...p.client, secret: 'wrong' }))).toEqual({
      status: 401,
      error: 'invalid_client',
    });
    const cc = await tokenRequest(p.app, p.client, {
      grant_type: 'client_credentials',
      scope: `${FRAUD} sim-swap:check`,
    });
    expect(await oauthError(cc)).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses with invalid_grant when the purpose or the grant is withdrawn from the application', async () => {
    const p = await flowsPlatform();
    const a = await refreshTokenFor(p);
    await p.deps.applications.put({ ...p.client.app, purposes: ['dpv:Marketing'] });
    expect(await oauthError(await refresh(p, a))).toEqual({ status: 400, error: 'invalid_grant' });
    const q = await flowsPlatform();
    const b = await refreshTokenFor(q);
    await q.deps.applications.put({ ...q.client.app, grantTypes: [GRANTS.authorizationCode] });
    expect(await oauthError(await refresh(q, b))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('is bound to its client', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps);
    const token = await refreshTokenFor(p);
    expect(await oauthError(await refresh(p, token, {}, other))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await refresh(p, token)).status).toBe(200);
  });

  it('ends with the family lifetime, rotation or not', async () => {
    const p = await flowsPlatform({ env: { REFRESH_TOKEN_TTL_SECONDS: '600' } });
    const first = await refreshTokenFor(p);
    p.clock.advance(590_000);
    const second = ((await (await refresh(p, first)).json()) as Tokens).refresh_token as string;
    p.clock.advance(10_000);
    expect(await oauthError(await refresh(p, second))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('requires refresh_token and refuses an unknown one', async () => {
    const p = await flowsPlatform();
    const missing = await tokenRequest(p.app, p.client, { grant_type: GRANTS.refreshToken });
    expect(await oauthError(missing)).toEqual({ status: 400, error: 'invalid_request' });
    expect(await oauthError(await refresh(p, 'unknown'))).toEqual({ status: 400, error: 'invalid_grant' });
  });
});
