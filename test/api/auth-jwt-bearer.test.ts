import { describe, expect, it } from 'vitest';
import {
  basicAuth,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  grantAssertion,
  oauthError,
  registerClient,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
} from '../support/flows.js';

type TokenBody = Record<string, unknown> & { access_token: string; scope: string; expires_in: number };

/** A JWT-bearer request: the assertion authenticates the client (ICM §7.3), client_id alongside. */
function jwtBearer(p: FlowsPlatform, assertion: string, extra: Record<string, string> = {}) {
  return formPost(p.app, '/oauth2/token', {
    grant_type: GRANTS.jwtBearer,
    assertion,
    client_id: p.client.clientId,
    ...extra,
  });
}

describe('JWT-bearer grant (RFC 7523 §2.1, ICM §7.3)', () => {
  it('issues a short-lived 3-legged token for a tel: subject, without refresh or ID token', async () => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as TokenBody;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: `${FRAUD} sim-swap:check` });
    const access = await p.deps.tokens.verify(body.access_token);
    expect(access.subscriber).toBe(SUBSCRIBER.swapped);
    expect(access.amr).toEqual(['client_asserted']);
    expect(access.purpose).toBe(FRAUD);
    expect(body.access_token).not.toContain('34600000001');
    expect(atob(body.access_token.split('.')[1] as string)).not.toContain('34600000001');
  });

  it('records amr operatortoken for an operatortoken: subject (TS.43)', async () => {
    const p = await flowsPlatform();
    const assertion = await grantAssertion(p.client, p.clock, { sub: 'operatortoken:ts43-sandbox-0010' });
    const res = await jwtBearer(p, assertion);
    expect(res.status).toBe(200);
    const access = await p.deps.tokens.verify(((await res.json()) as TokenBody).access_token);
    expect(access.subscriber).toBe(SUBSCRIBER.cgnat);
    expect(access.amr).toEqual(['operatortoken']);
  });

  it('accepts the legacy dpv:X#scope form and grants exactly what the assertion asked', async () => {
    const p = await flowsPlatform();
    const scope = `${FRAUD}#sim-swap:check ${FRAUD}#sim-swap:retrieve-date`;
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock, { scope }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as TokenBody).scope).toBe(`${FRAUD} sim-swap:check sim-swap:retrieve-date`);
  });

  it('works with no client_id parameter and with the client also authenticated (same client)', async () => {
    const p = await flowsPlatform();
    const bare = await formPost(p.app, '/oauth2/token', {
      grant_type: GRANTS.jwtBearer,
      assertion: await grantAssertion(p.client, p.clock),
    });
    expect(bare.status).toBe(200);
    const withBasic = await tokenRequest(p.app, p.client, {
      grant_type: GRANTS.jwtBearer,
      assertion: await grantAssertion(p.client, p.clock),
    });
    expect(withBasic.status).toBe(200);
  });

  it('refuses the scope request parameter: invalid_request', async () => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock), {
      scope: `${FRAUD} sim-swap:check`,
    });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('requires the assertion: invalid_request', async () => {
    const p = await flowsPlatform();
    const res = await formPost(p.app, '/oauth2/token', {
      grant_type: GRANTS.jwtBearer,
      client_id: p.client.clientId,
    });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it.each([
    ['two purposes', `${FRAUD} dpv:Marketing sim-swap:check`],
    ['no purpose', 'sim-swap:check'],
    ['an unknown scope', `${FRAUD} sim-swap:teleport`],
    ['no API scope', FRAUD],
    ['a purpose the client was not onboarded for', 'dpv:Marketing sim-swap:check'],
    ['openid (no ID token in this flow)', `openid ${FRAUD} sim-swap:check`],
    ['offline_access (never a refresh token)', `offline_access ${FRAUD} sim-swap:check`],
  ])('refuses an assertion scope with %s: invalid_scope', async (_, scope) => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock, { scope }));
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_scope' });
  });

  it('refuses a scope outside the application record: invalid_scope', async () => {
    const p = await flowsPlatform();
    const narrow = await registerClient(p.deps, { scopes: ['sim-swap:check'] });
    const assertion = await grantAssertion(narrow, p.clock, { scope: `${FRAUD} sim-swap:retrieve-date` });
    const res = await formPost(p.app, '/oauth2/token', { grant_type: GRANTS.jwtBearer, assertion });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_scope' });
  });

  it.each([
    ['a tel: number nobody holds', 'tel:+34699999999'],
    ['a number without tel:', '+34600000001'],
    ['tel: with visual separators', 'tel:+34-600-000-001'],
    ['an unknown operator token', 'operatortoken:ts43-unknown'],
    ['an ipport: subject', 'ipport:198.51.100.1'],
    ['the client itself', 'client'],
  ])('refuses %s as subject: invalid_grant', async (_, sub) => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock, { sub }));
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it.each(['sub', 'scope', 'jti', 'iat', 'exp', 'aud'])(
    'refuses an assertion without %s: invalid_grant',
    async (claim) => {
      const p = await flowsPlatform();
      const res = await jwtBearer(p, await grantAssertion(p.client, p.clock, { [claim]: undefined }));
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
    },
  );

  it('refuses when consent is required and absent: invalid_grant (ICM §7.6)', async () => {
    const p = await flowsPlatform();
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock));
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(p.consent.asked).toEqual([]); // no interaction in this flow
  });

  it('refuses a subscriber who opted out: invalid_grant', async () => {
    const p = await flowsPlatform();
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'opted_out' });
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock));
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('refuses a client not onboarded for the grant: unauthorized_client', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps, { grantTypes: [GRANTS.ciba] });
    const assertion = await grantAssertion(other, p.clock);
    const res = await formPost(p.app, '/oauth2/token', { grant_type: GRANTS.jwtBearer, assertion });
    expect(await oauthError(res)).toEqual({ status: 400, error: 'unauthorized_client' });
  });

  it('refuses an unknown or suspended issuer: invalid_client (401)', async () => {
    const p = await flowsPlatform();
    const ghost = { ...p.client, clientId: 'nobody' };
    const res = await formPost(p.app, '/oauth2/token', {
      grant_type: GRANTS.jwtBearer,
      assertion: await grantAssertion(ghost, p.clock),
    });
    expect(await oauthError(res)).toEqual({ status: 401, error: 'invalid_client' });
    const suspended = await registerClient(p.deps, { status: 'suspended' });
    const res2 = await formPost(p.app, '/oauth2/token', {
      grant_type: GRANTS.jwtBearer,
      assertion: await grantAssertion(suspended, p.clock),
    });
    expect(await oauthError(res2)).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses a client_id that is not the assertion issuer: invalid_client', async () => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, await grantAssertion(p.client, p.clock), { client_id: 'demo-app' });
    expect(await oauthError(res)).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('refuses an assertion issued by another client than the authenticated one: invalid_grant', async () => {
    const p = await flowsPlatform();
    const other = await registerClient(p.deps);
    const res = await formPost(
      p.app,
      '/oauth2/token',
      { grant_type: GRANTS.jwtBearer, assertion: await grantAssertion(other, p.clock) },
      { authorization: basicAuth(p.client) },
    );
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('refuses an oversized assertion: invalid_request', async () => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, 'e'.repeat(9000));
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('refuses a malformed assertion: invalid_grant', async () => {
    const p = await flowsPlatform();
    const res = await jwtBearer(p, 'not-a-jwt');
    expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
  });
});
