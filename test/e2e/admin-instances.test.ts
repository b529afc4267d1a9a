import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION, call, CORRELATOR } from '../admin/support.js';
import { basicAuth } from './support/oauth.js';
import { startAdminInstances, type AdminInstances } from './support/instances.js';
import type { PlatformProcess } from './support/process.js';

/**
 * The admin API's story across two Node instances (two OS processes) of one deployment on one
 * real Redis: everything the operator does through instance A (partner, application, plan,
 * secrets, suspension) holds at instance B on its very next request, over real HTTP.
 */

const PUBLIC_URL = 'http://gateway.test';
const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
const NUMBER = '+34600000001';
const PLAN = 'trial';
const QUOTA = 2;
const UNAUTHENTICATED = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message:
    'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
};
const QUOTA_EXCEEDED = { status: 429, code: 'QUOTA_EXCEEDED', message: 'Out of resource quota.' };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

let instances: AdminInstances;
let a: PlatformProcess;
let b: PlatformProcess;

beforeAll(async () => {
  instances = await startAdminInstances(PUBLIC_URL);
  ({ a, b } = instances);
}, 60_000);
afterAll(async () => {
  await instances?.stop();
});

/** An admin token from `url`'s token endpoint: private_key_jwt, audience and resource of PUBLIC_URL. */
const adminTokenAt = (url: string) => instances.adminTokenAt(url);

const tokenRequest = (url: string, clientId: string, secret: string) =>
  fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(clientId, secret),
      'x-correlator': CORRELATOR,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
  });

async function accessToken(url: string, clientId: string, secret: string): Promise<string> {
  const res = await tokenRequest(url, clientId, secret);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function expectInvalidClient(url: string, clientId: string, secret: string) {
  const res = await tokenRequest(url, clientId, secret);
  expect([res.status, await res.json()]).toEqual([401, INVALID_CLIENT]);
}

const simSwap = (url: string, token: string) =>
  call(url, 'POST', '/sim-swap/v2/check', token, { phoneNumber: NUMBER });

/** An answer's status, body and echoed correlator, compared at once. */
async function answer(res: Response) {
  return [res.status, await res.json(), res.headers.get('x-correlator')];
}

describe('admin API across two instances on one Redis', () => {
  it('onboards at A, serves and limits at B, suspends and resumes at A, and a short-lived secret ends at B', async () => {
    const admin = await adminTokenAt(a.url);
    const plan = await call(a.url, 'PUT', `/admin/v1/plans/${PLAN}`, admin, {
      burstPerSecond: 1000,
      quotaPerDay: QUOTA,
    });
    expect(plan.status).toBe(200);

    const partner = await call(a.url, 'POST', '/admin/v1/partners', admin, { name: 'Acme Bank' });
    expect(partner.status).toBe(201);
    const { partnerId } = (await partner.json()) as { partnerId: string };
    const created = await call(a.url, 'POST', `/admin/v1/partners/${partnerId}/applications`, admin, {
      ...APPLICATION,
      plan: PLAN,
    });
    expect(created.status).toBe(201);
    const { clientId } = (await created.json()) as { clientId: string };
    const base = `/admin/v1/partners/${partnerId}/applications/${clientId}`;
    const issued = await call(a.url, 'POST', `${base}/secrets`, admin, {});
    expect(issued.status).toBe(201);
    const { clientSecret } = (await issued.json()) as { clientSecret: string };

    // At B, within the plan set at A, then past it.
    const token = await accessToken(b.url, clientId, clientSecret);
    for (let i = 0; i < QUOTA; i++) {
      const ok = await simSwap(b.url, token);
      expect([ok.status, await ok.json(), ok.headers.get('x-correlator')]).toEqual([
        200,
        { swapped: expect.any(Boolean) },
        CORRELATOR,
      ]);
    }
    const over = await simSwap(b.url, token);
    expect(await answer(over)).toEqual([429, QUOTA_EXCEEDED, CORRELATOR]);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);

    // Suspended at A: B refuses its very next call and its next token request.
    const suspended = await call(a.url, 'POST', `${base}/suspend`, admin);
    expect([suspended.status, ((await suspended.json()) as { status: string }).status]).toEqual([
      200,
      'suspended',
    ]);
    expect(await answer(await simSwap(b.url, token))).toEqual([401, UNAUTHENTICATED, CORRELATOR]);
    await expectInvalidClient(b.url, clientId, clientSecret);

    // The cut-off lies one second past the suspension (src/admin/kill-switch.ts): tokens from
    // before it stay refused after the resume, so the fresh one is asked for after it.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const resumed = await call(a.url, 'POST', `${base}/resume`, admin);
    expect([resumed.status, ((await resumed.json()) as { status: string }).status]).toEqual([200, 'active']);
    const fresh = await accessToken(b.url, clientId, clientSecret);
    expect(await answer(await simSwap(b.url, token))).toEqual([401, UNAUTHENTICATED, CORRELATOR]);
    // Still past its quota until the operator raises the plan at A.
    expect(await answer(await simSwap(b.url, fresh))).toEqual([429, QUOTA_EXCEEDED, CORRELATOR]);
    const raised = await call(a.url, 'PUT', `/admin/v1/plans/${PLAN}`, admin, {
      burstPerSecond: 1000,
      quotaPerDay: 1000,
    });
    expect(raised.status).toBe(200);
    // B's very next call reads the changed plans record in its round trip and is counted by it
    // (src/ratelimit/limiter.ts).
    expect((await simSwap(b.url, fresh)).status).toBe(200);

    // A secret issued at A for a few seconds authenticates at B, then stops after its expiry.
    const short = await call(a.url, 'POST', `${base}/secrets`, admin, { expiresInSeconds: 5 });
    expect(short.status).toBe(201);
    const brief = (await short.json()) as { clientSecret: string; expiresAt: string };
    expect((await tokenRequest(b.url, clientId, brief.clientSecret)).status).toBe(200);
    // A wait past the expiry the answer named, no assertion on how long anything took.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(brief.expiresAt) - Date.now() + 1_100));
    await expectInvalidClient(b.url, clientId, brief.clientSecret);
    // The rotation's overlap keeps the earlier secret working meanwhile.
    expect((await tokenRequest(b.url, clientId, clientSecret)).status).toBe(200);
  }, 60_000);
});
