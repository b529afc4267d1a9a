import { describe, expect, it } from 'vitest';
import {
  resumeApplication,
  resumePartner,
  suspendApplication,
  suspendPartner,
} from '../../src/admin/kill-switch.js';
import type { Partner } from '../../src/admin/partners.js';
import { putPlan } from '../../src/admin/v1/plans.js';
import { MemoryStore } from '../../src/store/memory.js';
import { ManualClock } from '../../src/clock.js';
import { post } from '../support/app.js';
import { expectError, standard } from '../support/camara-assert.js';
import {
  basicAuth,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  oauthError,
  tokenRequest,
  type FlowsPlatform,
  type TestClient,
} from '../support/flows.js';
import { familySamples } from '../support/metrics.js';
import { deploymentSecrets } from '../e2e/support/process.js';

const CHECK = '/sim-swap/v2/check';
const SCOPE = `offline_access ${FRAUD} sim-swap:check`;
type Tokens = { access_token: string; refresh_token: string };

/** Access and refresh tokens of a CIBA flow (silent approval), as the client gets them. */
async function tokensFor(p: FlowsPlatform, client: TestClient): Promise<Tokens> {
  const started = await startCiba(p, client);
  const { auth_req_id } = (await started.json()) as { auth_req_id: string };
  const res = await tokenRequest(p.app, client, { grant_type: GRANTS.ciba, auth_req_id });
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

const startCiba = (p: FlowsPlatform, client: TestClient) =>
  formPost(
    p.app,
    '/oauth2/bc-authorize',
    { login_hint: 'operatortoken:ts43-sandbox-0001', scope: SCOPE },
    { authorization: basicAuth(client) },
  );

const call = (p: FlowsPlatform, token: string) => post(p.app, CHECK, {}, token);
const refresh = (p: FlowsPlatform, client: TestClient, token: string) =>
  tokenRequest(p.app, client, { grant_type: GRANTS.refreshToken, refresh_token: token });
const introspect = async (p: FlowsPlatform, client: TestClient, token: string) =>
  (await formPost(p.app, '/oauth2/introspect', { token }, { authorization: basicAuth(client) })).json();

async function expectRefusedCall(p: FlowsPlatform, token: string) {
  const res = await call(p, token);
  await expectError(res, standard('UNAUTHENTICATED'));
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
}

async function partnerOf(p: FlowsPlatform, partnerId: string): Promise<Partner> {
  const partner = { partnerId, name: 'Acme Bank', status: 'active', createdAt: 0, updatedAt: 0 } as const;
  await p.deps.partners.put(partner);
  return partner;
}

/** Two platforms of one deployment (shared keys and secrets) on one store, each with its own memory. */
async function twoInstances(): Promise<[FlowsPlatform, FlowsPlatform]> {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const env = await deploymentSecrets();
  return [await flowsPlatform({ store, clock, env }), await flowsPlatform({ store, clock, env })];
}

describe('kill switch: suspending an application', () => {
  it('refuses its next API call (401), token request (invalid_client) and refresh (invalid_grant)', async () => {
    const p = await flowsPlatform();
    const tokens = await tokensFor(p, p.client);
    expect((await call(p, tokens.access_token)).status).toBe(200); // every cache is warm
    await suspendApplication(p.deps, p.client.clientId);
    await expectRefusedCall(p, tokens.access_token);
    expect(await oauthError(await startCiba(p, p.client))).toEqual({ status: 401, error: 'invalid_client' });
    const introspection = await formPost(
      p.app,
      '/oauth2/introspect',
      { token: tokens.access_token },
      { authorization: basicAuth(p.client) },
    );
    expect(await oauthError(introspection)).toEqual({ status: 401, error: 'invalid_client' });
    expect(await oauthError(await refresh(p, p.client, tokens.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('refuses a CIBA poll started before the suspension with invalid_client', async () => {
    const p = await flowsPlatform();
    const started = await startCiba(p, p.client);
    const { auth_req_id } = (await started.json()) as { auth_req_id: string };
    await suspendApplication(p.deps, p.client.clientId);
    const poll = await tokenRequest(p.app, p.client, { grant_type: GRANTS.ciba, auth_req_id });
    expect(await oauthError(poll)).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('on resume serves new tokens, while the tokens issued before the suspension stay revoked', async () => {
    const p = await flowsPlatform();
    const old = await tokensFor(p, p.client);
    await suspendApplication(p.deps, p.client.clientId);
    p.clock.advance(5_000);
    await resumeApplication(p.deps, p.client.clientId);
    const fresh = await tokensFor(p, p.client);
    expect((await call(p, fresh.access_token)).status).toBe(200);
    await expectRefusedCall(p, old.access_token);
    expect(await introspect(p, p.client, old.access_token)).toEqual({ active: false });
    expect(await introspect(p, p.client, old.refresh_token)).toEqual({ active: false });
    expect(await introspect(p, p.client, fresh.access_token)).toMatchObject({ active: true });
    expect(await oauthError(await refresh(p, p.client, old.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await refresh(p, p.client, fresh.refresh_token)).status).toBe(200);
  });

  it('refuses a token or CIBA request issued within a second of the suspension, even after a quick resume', async () => {
    const p = await flowsPlatform();
    await suspendApplication(p.deps, p.client.clientId);
    p.clock.advance(300);
    await resumeApplication(p.deps, p.client.clientId);
    // As a token request that read the record just before the suspension would issue it.
    const early = await p.deps.tokens.issue({
      clientId: p.client.clientId,
      scopes: ['sim-swap:check'],
      purpose: FRAUD,
      subscriber: '+34600000001',
    });
    await expectRefusedCall(p, early.token);
    const started = (await (await startCiba(p, p.client)).json()) as { auth_req_id: string };
    const poll = await tokenRequest(p.app, p.client, { grant_type: GRANTS.ciba, ...started });
    expect(await oauthError(poll)).toEqual({ status: 400, error: 'invalid_grant' });
    p.clock.advance(2_000);
    expect((await call(p, (await tokensFor(p, p.client)).access_token)).status).toBe(200);
  });

  it('acts on an instance that shares the store, whatever that instance read before', async () => {
    const [a, b] = await twoInstances();
    const tokens = await tokensFor(a, a.client);
    expect((await call(b, tokens.access_token)).status).toBe(200);
    await suspendApplication(a.deps, a.client.clientId);
    await expectRefusedCall(b, tokens.access_token);
    expect(await oauthError(await startCiba(b, a.client))).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('counts suspensions and resumptions, and the calls refused', async () => {
    const p = await flowsPlatform();
    const tokens = await tokensFor(p, p.client);
    await suspendApplication(p.deps, p.client.clientId);
    await expectRefusedCall(p, tokens.access_token);
    await resumeApplication(p.deps, p.client.clientId);
    const text = p.deps.metrics.render();
    expect(familySamples(text, 'camara_kill_switch_actions_total')).toEqual({
      'camara_kill_switch_actions_total{action=resume,target=application}': 1,
      'camara_kill_switch_actions_total{action=suspend,target=application}': 1,
    });
    expect(familySamples(text, 'camara_application_refusals_total')).toEqual({
      [`camara_application_refusals_total{client_id=${p.client.clientId},status=suspended,surface=api}`]: 1,
    });
  });

  it('answers 404 NOT_FOUND for an application or partner that does not exist', async () => {
    const p = await flowsPlatform();
    await expect(suspendApplication(p.deps, 'no-such-app')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(suspendPartner(p.deps, 'no-such-partner')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('kill switch: suspending a partner', () => {
  it('refuses every one of its applications at once, and only those', async () => {
    const p = await flowsPlatform();
    await partnerOf(p, 'acme');
    const first = await p.register({ partnerId: 'acme' });
    const second = await p.register({ partnerId: 'acme' });
    const other = await p.register();
    const [t1, t2, t3] = [await tokensFor(p, first), await tokensFor(p, second), await tokensFor(p, other)];
    expect((await call(p, t1.access_token)).status).toBe(200);
    await suspendPartner(p.deps, 'acme');
    await expectRefusedCall(p, t1.access_token);
    await expectRefusedCall(p, t2.access_token);
    expect((await call(p, t3.access_token)).status).toBe(200);
    expect(await oauthError(await startCiba(p, second))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await oauthError(await refresh(p, first, t1.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await p.deps.applications.get(first.clientId))?.status).toBe('active'); // one write: the partner's
  });

  it('on resume serves new tokens of its applications, while their old tokens stay revoked', async () => {
    const p = await flowsPlatform();
    await partnerOf(p, 'acme');
    const client = await p.register({ partnerId: 'acme' });
    const old = await tokensFor(p, client);
    await suspendPartner(p.deps, 'acme');
    p.clock.advance(5_000);
    await resumePartner(p.deps, 'acme');
    const fresh = await tokensFor(p, client);
    expect((await call(p, fresh.access_token)).status).toBe(200);
    await expectRefusedCall(p, old.access_token);
    expect(await oauthError(await refresh(p, client, old.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect(await introspect(p, client, old.access_token)).toEqual({ active: false });
  });

  it('refuses the applications of a partner that no longer exists', async () => {
    const p = await flowsPlatform();
    const client = await p.register({ partnerId: 'gone' });
    expect(await oauthError(await startCiba(p, client))).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('follows an application moved to another partner on its next call', async () => {
    const p = await flowsPlatform();
    await partnerOf(p, 'acme');
    await partnerOf(p, 'globex');
    const client = await p.register({ partnerId: 'acme' });
    const tokens = await tokensFor(p, client);
    expect((await call(p, tokens.access_token)).status).toBe(200); // this instance now knows 'acme'
    await suspendPartner(p.deps, 'globex');
    await p.deps.applications.put({ ...client.app, partnerId: 'globex' });
    await expectRefusedCall(p, tokens.access_token);
  });
});

describe('kill switch: validity period', () => {
  it('refuses an application past its validUntil like a suspended one', async () => {
    const p = await flowsPlatform();
    const client = await p.register({ validUntil: p.clock.now() + 60_000 });
    const tokens = await tokensFor(p, client);
    expect((await call(p, tokens.access_token)).status).toBe(200);
    p.clock.advance(60_000);
    await expectRefusedCall(p, tokens.access_token);
    expect(await oauthError(await startCiba(p, client))).toEqual({ status: 401, error: 'invalid_client' });
    expect(await oauthError(await refresh(p, client, tokens.refresh_token))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('refuses an application before its validFrom, and serves it from then on', async () => {
    const p = await flowsPlatform();
    const client = await p.register({ validFrom: p.clock.now() + 60_000 });
    expect(await oauthError(await startCiba(p, client))).toEqual({ status: 401, error: 'invalid_client' });
    p.clock.advance(60_000);
    const tokens = await tokensFor(p, client);
    expect((await call(p, tokens.access_token)).status).toBe(200);
  });
});

describe('kill switch: what may lag one call', () => {
  it('counts a plan change made on another instance from its next call there, as the status', async () => {
    const [a, b] = await twoInstances();
    const burst = (limit: number) => ({ burst: { name: 'burst', limit, windowMs: 1000 } });
    const quota = { quota: { name: 'quota', limit: 1000, windowMs: 86_400_000 } };
    const plans = { wide: { ...burst(100), ...quota }, narrow: { ...burst(5), ...quota } };
    b.deps.plans = { ...b.deps.plans, ...plans };
    const client = await a.register({ plan: 'wide' });
    const tokens = await tokensFor(a, client);
    const policy = async () => (await call(b, tokens.access_token)).headers.get('ratelimit-policy');
    const WIDE = '"burst";q=100;w=1, "quota";q=1000;w=86400';
    const NARROW = '"burst";q=5;w=1, "quota";q=1000;w=86400';
    expect(await policy()).toBe(WIDE);
    await a.deps.applications.put({ ...client.app, plan: 'narrow' });
    // The hit leaves with the plan b knew, beside the record's read: the record names another plan,
    // so the call is counted again by that one.
    expect(await policy()).toBe(NARROW);
    expect(await policy()).toBe(NARROW);
  });

  it("takes a plan's new limits set through the admin API on another instance, from its next call there", async () => {
    const [a, b] = await twoInstances();
    const client = await a.register({ plan: 'standard' });
    const tokens = await tokensFor(a, client);
    const policy = async () => (await call(b, tokens.access_token)).headers.get('ratelimit-policy');
    expect(await policy()).toBe('"burst";q=200;w=1, "quota";q=1000000;w=86400');
    await putPlan(a.deps, 'standard', { burstPerSecond: 3, quotaPerDay: 50 });
    // b reads the plans record with this call's hit and counts the call again by the new limits.
    expect(await policy()).toBe('"burst";q=3;w=1, "quota";q=50;w=86400');
    expect(await policy()).toBe('"burst";q=3;w=1, "quota";q=50;w=86400');
    // The first call's hit was given back: three calls in this second, the fourth is refused.
    const fourth = await call(b, tokens.access_token);
    await expectError(fourth, standard('TOO_MANY_REQUESTS'));
  });
});
