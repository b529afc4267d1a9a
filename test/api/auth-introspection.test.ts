import { decodeJwt } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { scopeCatalogue } from '../../src/app.js';
import { authServer, type IntrospectionClaims, type RefreshTokenLookup } from '../../src/auth/index.js';
import { API_MODULES } from '../../apis/index.js';
import {
  assertionParams,
  basicAuth,
  clientAssertion,
  clientCredentialsToken,
  mountAuthServer,
  postForm,
  PURPOSE,
  registerClient,
  type TestClient,
} from '../e2e/support/oauth.js';
import { testPlatform, type TestPlatform } from '../support/app.js';

const ISSUER = 'http://gateway.test';

describe('POST /oauth2/introspect (RFC 7662)', () => {
  let p: TestPlatform;
  let client: TestClient;
  const introspect = (token: string, auth: TestClient = client, extra: Record<string, string> = {}) =>
    postForm(
      p.app,
      '/oauth2/introspect',
      { token, ...extra },
      { authorization: basicAuth(auth.clientId, auth.secret) },
    );

  beforeEach(async () => {
    p = await testPlatform();
    client = await registerClient(p.deps);
  });

  it('describes an active 2-legged token to the client it was issued to', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const res = await introspect(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const now = Math.floor(p.clock.now() / 1000);
    expect(await res.json()).toEqual({
      active: true,
      scope: `${PURPOSE} sim-swap:check`,
      client_id: client.clientId,
      token_type: 'Bearer',
      exp: now + 600,
      iat: now,
      sub: client.clientId,
      aud: ISSUER,
      iss: ISSUER,
      jti: decodeJwt(token).jti,
    });
  });

  it('gives a 3-legged token its pairwise sub, never the phone number', async () => {
    const token = await p.token({ clientId: client.clientId, subscriber: '+34600000001', amr: ['nba'] });
    const res = await introspect(token);
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body.active).toBe(true);
    expect(body.sub).toBe(await p.deps.tokens.pairwiseSubject(client.clientId, '+34600000001'));
    expect(Object.keys(body).sort()).toEqual(
      ['active', 'aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub', 'token_type'].sort(),
    );
    expect(JSON.stringify(body)).not.toContain('600000001');
  });

  it.each([
    ['a malformed token', 'not-a-jwt'],
    ['a token signed by another key', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
  ])('answers {"active": false} for %s', async (_name, token) => {
    const res = await introspect(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ active: false });
  });

  it('answers {"active": false} once the token has expired', async () => {
    const token = await clientCredentialsToken(p.app, client);
    p.clock.advance(600_000);
    expect(await (await introspect(token)).json()).toEqual({ active: false });
  });

  it('answers {"active": false} for a revoked token', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const auth = { authorization: basicAuth(client.clientId, client.secret) };
    expect((await postForm(p.app, '/oauth2/revoke', { token }, auth)).status).toBe(200);
    expect(await (await introspect(token)).json()).toEqual({ active: false });
  });

  it('answers {"active": false} for another client\'s token', async () => {
    const other = await registerClient(p.deps);
    const token = await clientCredentialsToken(p.app, other);
    expect(await (await introspect(token)).json()).toEqual({ active: false });
    expect((await (await introspect(token, other)).json()) as object).toMatchObject({ active: true });
  });

  it('extends the search beyond a wrong token_type_hint, and ignores an unknown one', async () => {
    const token = await clientCredentialsToken(p.app, client);
    for (const hint of ['refresh_token', 'id_token']) {
      const body = await (await introspect(token, client, { token_type_hint: hint })).json();
      expect(body).toMatchObject({ active: true, client_id: client.clientId });
    }
  });

  it('accepts private_key_jwt with the introspection URL or the issuer as audience', async () => {
    const token = await clientCredentialsToken(p.app, client);
    for (const aud of [`${ISSUER}/oauth2/introspect`, ISSUER]) {
      const assertion = await clientAssertion(client, p.clock.now(), aud);
      const res = await postForm(p.app, '/oauth2/introspect', { token, ...assertionParams(assertion) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ active: true });
    }
  });

  it('refuses an assertion meant for the token endpoint', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const assertion = await clientAssertion(client, p.clock.now(), `${ISSUER}/oauth2/token`);
    const res = await postForm(p.app, '/oauth2/introspect', { token, ...assertionParams(assertion) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });

  it('requires client authentication: 401 invalid_client with WWW-Authenticate', async () => {
    const token = await clientCredentialsToken(p.app, client);
    const res = await postForm(p.app, '/oauth2/introspect', { token });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication required',
    });
  });

  it('requires the token parameter: 400 invalid_request', async () => {
    const res = await postForm(
      p.app,
      '/oauth2/introspect',
      {},
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'token is required' });
  });
});

describe('refresh tokens through RefreshTokenLookup', () => {
  const claims: IntrospectionClaims = {
    scope: `openid ${PURPOSE} sim-swap:check`,
    client_id: 'owner',
    token_type: 'refresh_token',
    exp: 1_800_000_000,
    iat: 1_700_000_000,
    sub: 'pairwise-subject',
    iss: ISSUER,
  };

  it('introspects and revokes a refresh token only for its owner', async () => {
    const p = await testPlatform();
    const owner = await registerClient(p.deps, { clientId: 'owner' });
    const other = await registerClient(p.deps, { clientId: 'other' });
    const revoked: string[] = [];
    const refreshTokens: RefreshTokenLookup = {
      find: async (_deps, token, clientId) =>
        token !== 'rt-1' || revoked.includes(token)
          ? { kind: 'unknown' }
          : clientId === 'owner'
            ? { kind: 'owned', token: claims }
            : { kind: 'other_client' },
      revoke: async (_deps, token) => void revoked.push(token),
    };
    const app = mountAuthServer(p.deps, authServer(scopeCatalogue(API_MODULES), { refreshTokens }));
    const as = (c: TestClient) => ({ authorization: basicAuth(c.clientId, c.secret) });
    const params = { token: 'rt-1', token_type_hint: 'refresh_token' };

    expect(await (await postForm(app, '/oauth2/introspect', params, as(owner))).json()).toEqual({
      active: true,
      ...claims,
    });
    expect(await (await postForm(app, '/oauth2/introspect', params, as(other))).json()).toEqual({
      active: false,
    });
    const refused = await postForm(app, '/oauth2/revoke', params, as(other));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'the token was not issued to this client',
    });
    expect(revoked).toEqual([]);
    expect((await postForm(app, '/oauth2/revoke', { token: 'rt-1' }, as(owner))).status).toBe(200);
    expect(revoked).toEqual(['rt-1']);
    expect(await (await postForm(app, '/oauth2/introspect', params, as(owner))).json()).toEqual({
      active: false,
    });
  });
});
