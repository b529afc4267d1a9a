import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startConsentServer, type ConsentServer } from '../e2e/support/consent.js';
import { basicAuth } from '../e2e/support/oauth.js';
import { adminEnv, adminKeys, adminToken, APPLICATION, call, type AdminKeys } from './support.js';

const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

/**
 * The operator's onboarding story over a real socket: an operator-admin creates a partner and an
 * application through the admin API, gets its secret, and the application calls SIM Swap with
 * it; the secret then rotates, is revoked, and stops at its expiry (the injected clock).
 */
describe.each(['memory', 'redis'] as const)('operator onboarding through the admin API (%s)', (engine) => {
  let server: ConsentServer;
  let keys: AdminKeys;
  let admin: string;
  let partnerId: string;
  let clientId: string;
  const base = () => `/admin/v1/partners/${partnerId}/applications/${clientId}`;

  const tokenFor = (secret: string) =>
    fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(clientId, secret),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
    });
  const issue = async (body: Record<string, number>) => {
    const res = await call(server.url, 'POST', `${base()}/secrets`, admin, body);
    expect(res.status).toBe(201);
    return (await res.json()) as { credentialId: string; clientSecret: string; expiresAt: string };
  };
  const simSwap = async (secret: string) => {
    const token = ((await (await tokenFor(secret)).json()) as { access_token: string }).access_token;
    return call(server.url, 'POST', '/sim-swap/v2/check', token, { phoneNumber: '+34600000001' });
  };

  beforeAll(async () => {
    keys = await adminKeys();
    server = await startConsentServer(engine, adminEnv(keys));
    admin = await adminToken(server.url, keys.admin, server.clock.now());
  });
  afterAll(async () => server?.close());
  // Admin tokens live 300 s and the tests move the clock: a console asks again, so does each test.
  beforeEach(async () => {
    admin = await adminToken(server.url, keys.admin, server.clock.now());
  });

  it('creates a partner and an application, issues its secret once, and the application calls SIM Swap', async () => {
    const partner = await call(server.url, 'POST', '/admin/v1/partners', admin, {
      name: 'Acme Bank',
      contact: { email: 'onboarding@acme.example' },
    });
    expect(partner.status).toBe(201);
    const created = (await partner.json()) as { partnerId: string; status: string };
    expect(created.status).toBe('active');
    partnerId = created.partnerId;
    const app = await call(
      server.url,
      'POST',
      `/admin/v1/partners/${partnerId}/applications`,
      admin,
      APPLICATION,
    );
    expect(app.status).toBe(201);
    const onboarded = (await app.json()) as { clientId: string; credentials: unknown[]; partnerId: string };
    expect(onboarded).toMatchObject({ partnerId, credentials: [], plan: 'standard', status: 'active' });
    clientId = onboarded.clientId;

    const res = await call(server.url, 'POST', `${base()}/secrets`, admin, { expiresInSeconds: 86_400 });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const secret = (await res.json()) as { clientSecret: string; expiresAt: string; clientId: string };
    expect(secret.clientId).toBe(clientId);
    expect(secret.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(secret.expiresAt) - server.clock.now()).toBeGreaterThan(86_390_000);

    const check = await simSwap(secret.clientSecret);
    expect(check.status).toBe(200);
    expect(await check.json()).toEqual({ swapped: expect.any(Boolean) });

    // Shown once: the application record never carries the secret nor its hash.
    const read = await call(server.url, 'GET', base(), admin);
    const text = await read.text();
    expect(text).not.toContain(secret.clientSecret);
    expect(text).not.toContain('hmac-sha256');
  });

  it('rotates: the previous secret works through the overlap window, then stops', async () => {
    const first = await issue({});
    const second = await issue({ overlapSeconds: 600 });
    expect((await tokenFor(first.clientSecret)).status).toBe(200);
    expect((await tokenFor(second.clientSecret)).status).toBe(200);
    server.clock.advance(601_000);
    const old = await tokenFor(first.clientSecret);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual(INVALID_CLIENT);
    expect((await tokenFor(second.clientSecret)).status).toBe(200);
  });

  it('revokes a secret at once', async () => {
    const secret = await issue({ overlapSeconds: 0 });
    expect((await tokenFor(secret.clientSecret)).status).toBe(200);
    const res = await call(server.url, 'DELETE', `${base()}/secrets/${secret.credentialId}`, admin);
    expect(res.status).toBe(204);
    const after = await tokenFor(secret.clientSecret);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual(INVALID_CLIENT);
    expect((await call(server.url, 'DELETE', `${base()}/secrets/${secret.credentialId}`, admin)).status).toBe(
      404,
    );
  });

  it('stops a secret at its expiry, and refuses one longer than the plan allows', async () => {
    const secret = await issue({ expiresInSeconds: 3600, overlapSeconds: 0 });
    expect((await simSwap(secret.clientSecret)).status).toBe(200);
    const tooLong = await call(server.url, 'POST', `${base()}/secrets`, admin, {
      expiresInSeconds: 400 * 86_400,
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({
      status: 400,
      code: 'OUT_OF_RANGE',
      message: 'expiresInSeconds: at most 31536000 on plan standard.',
    });
    server.clock.advance(3_600_000);
    const expired = await tokenFor(secret.clientSecret);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(INVALID_CLIENT);
    // The admin token is short-lived: the clock moved past it.
    expect((await call(server.url, 'GET', '/admin/v1/partners', admin)).status).toBe(401);
  });

  it('suspends and resumes the application through the kill switch', async () => {
    const secret = await issue({ overlapSeconds: 0 });
    const suspended = await call(server.url, 'POST', `${base()}/suspend`, admin);
    expect(suspended.status).toBe(200);
    expect(((await suspended.json()) as { status: string }).status).toBe('suspended');
    expect((await tokenFor(secret.clientSecret)).status).toBe(401);
    expect((await call(server.url, 'POST', `${base()}/resume`, admin)).status).toBe(200);
    expect((await tokenFor(secret.clientSecret)).status).toBe(200);
  });

  it('applies a plan set through the API on the next call', async () => {
    // A new day: the earlier calls counted against today's quota window.
    server.clock.advance(86_400_000);
    admin = await adminToken(server.url, keys.admin, server.clock.now());
    const plan = await call(server.url, 'PUT', '/admin/v1/plans/trial', admin, {
      burstPerSecond: 5,
      quotaPerDay: 1,
    });
    expect(plan.status).toBe(200);
    expect(await plan.json()).toEqual({
      name: 'trial',
      burstPerSecond: 5,
      quotaPerDay: 1,
      secretTtl: { defaultSeconds: 7_776_000, maxSeconds: 31_536_000 },
    });
    expect((await call(server.url, 'PATCH', base(), admin, { plan: 'trial' })).status).toBe(200);
    const secret = await issue({ overlapSeconds: 0 });
    expect((await simSwap(secret.clientSecret)).status).toBe(200);
    const refused = await simSwap(secret.clientSecret);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('QUOTA_EXCEEDED');
    const unknown = await call(server.url, 'PATCH', base(), admin, { plan: 'platinum' });
    expect(await unknown.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'plan: unknown plan "platinum".',
    });
  });

  it('lists partners by page, filtered by name and status', async () => {
    for (const name of ['Beta Pay', 'Gamma Pay', 'Delta Pay'])
      expect((await call(server.url, 'POST', '/admin/v1/partners', admin, { name })).status).toBe(201);
    const page = await call(server.url, 'GET', '/admin/v1/partners?name=pay&perPage=2&page=2', admin);
    const body = (await page.json()) as {
      items: { name: string }[];
      total: number;
      page: number;
      perPage: number;
    };
    expect({ ...body, items: body.items.length }).toEqual({ items: 1, total: 3, page: 2, perPage: 2 });
    const suspended = await call(server.url, 'POST', `/admin/v1/partners/${partnerId}/suspend`, admin);
    expect(suspended.status).toBe(200);
    const list = await call(server.url, 'GET', '/admin/v1/partners?status=suspended', admin);
    expect(((await list.json()) as { items: { partnerId: string }[] }).items.map((p) => p.partnerId)).toEqual(
      [partnerId],
    );
    const bad = await call(server.url, 'GET', '/admin/v1/partners?sort=name', admin);
    expect(await bad.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'Unknown property: sort.',
    });
  });

  it('deletes an application, then its partner (refused while it has applications)', async () => {
    const refused = await call(server.url, 'DELETE', `/admin/v1/partners/${partnerId}`, admin);
    expect(refused.status).toBe(412);
    expect((await call(server.url, 'DELETE', base(), admin)).status).toBe(204);
    expect((await call(server.url, 'GET', base(), admin)).status).toBe(404);
    expect((await call(server.url, 'DELETE', `/admin/v1/partners/${partnerId}`, admin)).status).toBe(204);
    expect((await call(server.url, 'GET', `/admin/v1/partners/${partnerId}`, admin)).status).toBe(404);
  });
});
