import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import {
  basicAuth,
  clientCredentialsToken,
  postForm,
  registerClient,
  type TestClient,
} from '../e2e/support/oauth.js';
import { errorOf, post, testPlatform, type TestPlatform } from '../support/app.js';
import { applicationKeys } from '../../src/store/keys.js';

const CHECK = '/sim-swap/v2/check';
const BODY = { phoneNumber: '+34600000001' };

describe('POST /oauth2/revoke (RFC 7009)', () => {
  let p: TestPlatform;
  let client: TestClient;
  const revoke = (token: string, auth: TestClient = client, extra: Record<string, string> = {}) =>
    postForm(
      p.app,
      '/oauth2/revoke',
      { token, ...extra },
      { authorization: basicAuth(auth.clientId, auth.secret) },
    );

  beforeEach(async () => {
    p = await testPlatform();
    client = await registerClient(p.deps);
  });

  it('refuses a revoked access token on the very next resource call', async () => {
    const token = await clientCredentialsToken(p.app, client);
    expect((await post(p.app, CHECK, BODY, token)).status).toBe(200); // verified and cached
    const res = await revoke(token);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const refused = await post(p.app, CHECK, BODY, token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    expect(await errorOf(refused)).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message:
        'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
    });
  });

  it("drops the token from this process's verified-token cache", async () => {
    const token = await clientCredentialsToken(p.app, client);
    const cached = await p.deps.tokens.verify(token);
    expect(await p.deps.tokens.verify(token)).toBe(cached); // served from the cache
    expect((await revoke(token)).status).toBe(200);
    expect(await p.deps.tokens.verify(token)).not.toBe(cached); // verified afresh
  });

  it('is honoured by another instance sharing the store (its own token cache)', async () => {
    const shared = { TOKEN_SECRET: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' };
    const a = await testPlatform({ env: shared });
    const owner = await registerClient(a.deps);
    const b = createApp(
      await buildDeps(a.deps.config, {
        store: a.deps.store,
        clock: a.clock,
        logger: a.deps.logger,
        keys: a.deps.keys,
      }),
    );
    const token = await clientCredentialsToken(a.app, owner);
    expect((await post(b, CHECK, BODY, token)).status).toBe(200);
    const auth = { authorization: basicAuth(owner.clientId, owner.secret) };
    expect((await postForm(a.app, '/oauth2/revoke', { token }, auth)).status).toBe(200);
    expect((await post(b, CHECK, BODY, token)).status).toBe(401);
  });

  it('keeps the revocation exactly until the token expires', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const { jti, exp } = decodeJwt(token) as { jti: string; exp: number };
    const key = applicationKeys.revokedToken(client.clientId, jti);
    await revoke(token);
    p.clock.set(exp * 1000 - 1);
    expect(await p.deps.store.get(key)).toBe('1');
    p.clock.set(exp * 1000);
    expect(await p.deps.store.get(key)).toBeNull();
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['an empty-looking JWT', 'eyJhbGciOiJub25lIn0.e30.'],
  ])('answers 200 for %s', async (_name, token) => {
    const res = await revoke(token);
    expect(res.status).toBe(200);
  });

  it('answers 200 for an expired token and writes nothing', async () => {
    const token = await clientCredentialsToken(p.app, client);
    p.clock.advance(600_000);
    expect((await revoke(token)).status).toBe(200);
    expect(
      await p.deps.store.get(applicationKeys.revokedToken(client.clientId, String(decodeJwt(token).jti))),
    ).toBeNull();
  });

  it("lets only the owning client revoke: another client's attempt is refused and changes nothing", async () => {
    const other = await registerClient(p.deps);
    const token = await clientCredentialsToken(p.app, client);
    const res = await revoke(token, other);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'the token was not issued to this client',
    });
    expect((await post(p.app, CHECK, BODY, token)).status).toBe(200);
  });

  it('revokes an access token sent with token_type_hint=refresh_token', async () => {
    const token = await clientCredentialsToken(p.app, client);
    expect((await revoke(token, client, { token_type_hint: 'refresh_token' })).status).toBe(200);
    expect((await post(p.app, CHECK, BODY, token)).status).toBe(401);
  });

  it('requires client authentication and the token parameter', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const anonymous = await postForm(p.app, '/oauth2/revoke', { token });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    expect((await post(p.app, CHECK, BODY, token)).status).toBe(200);
    const missing = await postForm(
      p.app,
      '/oauth2/revoke',
      {},
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: 'invalid_request',
      error_description: 'token is required',
    });
  });

  it('refuses a form that is not form-encoded', async () => {
    const res = await p.app.request('/oauth2/revoke', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth(client.clientId, client.secret),
      },
      body: JSON.stringify({ token: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'content type must be application/x-www-form-urlencoded',
    });
  });
});
