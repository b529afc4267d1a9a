import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { TokenService } from '../../src/auth/tokens.js';
import { basicAuth, postForm, PURPOSE, registerClient, type TestClient } from '../e2e/support/oauth.js';
import { testPlatform, type TestPlatform } from '../support/app.js';

describe('client credentials: purpose, scope and the 2-legged agreement (ICM §scope, DESIGN §3)', () => {
  let p: TestPlatform;
  let client: TestClient;
  let issued: MockInstance<TokenService['issue']>;
  const request = (params: Record<string, string>, who: TestClient = client) =>
    postForm(
      p.app,
      '/oauth2/token',
      { grant_type: 'client_credentials', ...params },
      {
        authorization: basicAuth(who.clientId, who.secret),
      },
    );

  beforeEach(async () => {
    p = await testPlatform();
    client = await registerClient(p.deps, { purposes: [PURPOSE, 'dpv:ServiceProvision'] });
    issued = vi.spyOn(p.deps.tokens, 'issue');
  });

  it('issues a token for one allowed purpose and allowed scopes, legacy `dpv:X#scope` form included', async () => {
    for (const scope of [`${PURPOSE} sim-swap:check`, `${PURPOSE}#sim-swap:check`]) {
      const res = await request({ scope });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toMatchObject({
        token_type: 'Bearer',
        expires_in: 600,
        scope: `${PURPOSE} sim-swap:check`,
      });
    }
  });

  it.each([
    ['no scope', {}, 'invalid_scope', 'scope is required'],
    ['no purpose', { scope: 'sim-swap:check' }, 'invalid_scope', 'exactly one dpv: purpose is required'],
    [
      'two purposes',
      { scope: `${PURPOSE} dpv:ServiceProvision sim-swap:check` },
      'invalid_scope',
      'exactly one dpv: purpose is required',
    ],
    [
      'a malformed purpose',
      { scope: 'dpv:Fraud-Prevention sim-swap:check' },
      'invalid_scope',
      'malformed purpose',
    ],
    ['a purpose and no API scope', { scope: PURPOSE }, 'invalid_scope', 'no API scope requested'],
    ['an unknown scope', { scope: `${PURPOSE} sim-swap:erase` }, 'invalid_scope', 'unknown scope'],
    [
      'openid (a user is needed)',
      { scope: `openid ${PURPOSE} sim-swap:check` },
      'invalid_scope',
      'openid and offline_access need a user',
    ],
    [
      'a purpose not allowed',
      { scope: 'dpv:Marketing sim-swap:check' },
      'invalid_scope',
      'purpose not allowed for this client',
    ],
  ])('refuses %s: 400, no token', async (_name, params, error, description) => {
    const res = await request(params);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error, error_description: description });
    expect(issued).not.toHaveBeenCalled();
  });

  it('refuses a scope the client was not onboarded for', async () => {
    const narrow = await registerClient(p.deps, { scopes: ['sim-swap:check'] });
    const res = await request({ scope: `${PURPOSE} sim-swap:retrieve-date` }, narrow);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_scope',
      error_description: 'scope not allowed for this client',
    });
    expect(issued).not.toHaveBeenCalled();
  });

  it('refuses 2-legged access to an API whose agreement does not allow it (DESIGN §3, ICM glossary)', async () => {
    const threeLeggedOnly = await registerClient(p.deps, { twoLeggedApis: [] });
    const res = await request({ scope: `${PURPOSE} sim-swap:check` }, threeLeggedOnly);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'two-legged access is not allowed for this API',
    });
    expect(issued).not.toHaveBeenCalled();
  });

  it('refuses a scope its purpose may not use (purpose registry), as the user flows do', async () => {
    // dpv:IdentityVerification covers KYC Match and Number Verification, not SIM Swap.
    const identity = await registerClient(p.deps, { purposes: ['dpv:IdentityVerification'] });
    const res = await request({ scope: 'dpv:IdentityVerification sim-swap:check' }, identity);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_scope',
      error_description: 'scope not allowed for this purpose',
    });
    expect(issued).not.toHaveBeenCalled();
  });

  it('refuses the grant to a client not onboarded for it', async () => {
    const noGrant = await registerClient(p.deps, { grantTypes: [] });
    const res = await request({ scope: `${PURPOSE} sim-swap:check` }, noGrant);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'grant type not allowed for this client',
    });
    expect(issued).not.toHaveBeenCalled();
  });

  it('refuses an unknown grant type and a missing one', async () => {
    const unknown = await request({ grant_type: 'password', scope: `${PURPOSE} sim-swap:check` });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
    const missing = await postForm(
      p.app,
      '/oauth2/token',
      {},
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: 'invalid_request',
      error_description: 'grant_type is required',
    });
    expect(issued).not.toHaveBeenCalled();
  });
});
