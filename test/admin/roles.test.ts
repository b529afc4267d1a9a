import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentServer } from '../e2e/support/consent.js';
import { startTarget, TARGETS, targetName } from '../support/targets.js';
import { DEMO } from '../support/app.js';
import { basicAuth } from '../e2e/support/oauth.js';
import {
  adminEnv,
  adminKeys,
  adminToken,
  APPLICATION,
  call,
  CORRELATOR,
  requestAdminToken,
  SCOPED_PARTNER,
  type AdminKeys,
} from './support.js';

const UNAUTHENTICATED = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message:
    'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
};
const DENIED = {
  status: 403,
  code: 'PERMISSION_DENIED',
  message: 'Client does not have sufficient permissions to perform this action.',
};
const NOT_FOUND = { status: 404, code: 'NOT_FOUND', message: 'The specified resource is not found.' };

type Role = 'admin' | 'manager' | 'scoped' | 'support' | 'auditor';
const ROLES: Role[] = ['admin', 'manager', 'scoped', 'support', 'auditor'];

/**
 * What each role may do (docs/operator.md "Roles"): `P` is a partner the scoped partner-manager
 * does not manage, `A` one of its applications. Another partner's objects answer 404 (BOLA).
 */
const MATRIX: [string, string, unknown, Record<Role, number>][] = [
  ['GET', '/partners', undefined, { admin: 200, manager: 200, scoped: 200, support: 200, auditor: 403 }],
  [
    'POST',
    '/partners',
    { name: 'New Co' },
    { admin: 201, manager: 201, scoped: 403, support: 403, auditor: 403 },
  ],
  ['GET', '/partners/P', undefined, { admin: 200, manager: 200, scoped: 404, support: 200, auditor: 403 }],
  [
    'PATCH',
    '/partners/P',
    { name: 'Acme Bank plc' },
    { admin: 200, manager: 200, scoped: 404, support: 403, auditor: 403 },
  ],
  [
    'GET',
    `/partners/${SCOPED_PARTNER}`,
    undefined,
    { admin: 200, manager: 200, scoped: 200, support: 200, auditor: 403 },
  ],
  [
    'GET',
    '/partners/P/applications',
    undefined,
    { admin: 200, manager: 200, scoped: 404, support: 200, auditor: 403 },
  ],
  [
    'GET',
    '/partners/P/applications/A',
    undefined,
    { admin: 200, manager: 200, scoped: 404, support: 200, auditor: 403 },
  ],
  [
    'PATCH',
    '/partners/P/applications/A',
    { name: 'Renamed' },
    { admin: 200, manager: 200, scoped: 404, support: 403, auditor: 403 },
  ],
  [
    'POST',
    '/partners/P/applications/A/secrets',
    {},
    { admin: 201, manager: 201, scoped: 404, support: 403, auditor: 403 },
  ],
  [
    'GET',
    '/partners/P/applications/A/secrets',
    undefined,
    { admin: 200, manager: 200, scoped: 404, support: 200, auditor: 403 },
  ],
  ['GET', '/plans', undefined, { admin: 200, manager: 403, scoped: 403, support: 403, auditor: 403 }],
  [
    'PUT',
    '/plans/gold',
    { burstPerSecond: 50, quotaPerDay: 100_000 },
    { admin: 200, manager: 403, scoped: 403, support: 403, auditor: 403 },
  ],
];

describe.each(TARGETS)('admin API roles ($runtime, $engine)', (target) => {
  let server: ConsentServer;
  let keys: AdminKeys;
  const tokens = {} as Record<Role, string>;
  let partnerId: string;
  let clientId: string;

  beforeAll(async () => {
    keys = await adminKeys();
    server = await startTarget(target, adminEnv(keys));
    for (const role of ROLES) tokens[role] = await adminToken(server.url, keys[role], server.clock.now());
    const partner = await call(server.url, 'POST', '/admin/v1/partners', tokens.admin, { name: 'Acme Bank' });
    partnerId = ((await partner.json()) as { partnerId: string }).partnerId;
    const app = await call(
      server.url,
      'POST',
      `/admin/v1/partners/${partnerId}/applications`,
      tokens.admin,
      APPLICATION,
    );
    expect(app.status).toBe(201);
    clientId = ((await app.json()) as { clientId: string }).clientId;
  }, 120_000);
  afterAll(async () => server?.close());

  const rows = MATRIX.flatMap(([method, path, body, expected]) =>
    ROLES.map(
      (role) =>
        [
          `${targetName(target)}: ${role} ${method} ${path}`,
          role,
          method,
          path,
          body,
          expected[role],
        ] as const,
    ),
  );
  it.each(rows)('%s', async (_name, role, method, path, body, status) => {
    const concrete = path.replace('/P', `/${partnerId}`).replace('/A', `/${clientId}`);
    const res = await call(server.url, method, `/admin/v1${concrete}`, tokens[role], body);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
    if (status === 403) expect(await res.json()).toEqual(DENIED);
    if (status === 404) expect(await res.json()).toEqual(NOT_FOUND);
  });

  it('lists to a scoped partner-manager only the partners it manages', async () => {
    const res = await call(server.url, 'GET', '/admin/v1/partners', tokens.scoped);
    const body = (await res.json()) as { items: { partnerId: string }[]; total: number };
    expect(body.items.map((p) => p.partnerId)).toEqual([SCOPED_PARTNER]);
    expect(body.total).toBe(1);
  });

  it('refuses the agreement fields to a partner-manager (403) and unknown fields to everyone (400)', async () => {
    const path = `/admin/v1/partners/${partnerId}/applications`;
    const reserved = await call(server.url, 'POST', path, tokens.manager, {
      ...APPLICATION,
      plan: 'premium',
    });
    expect(reserved.status).toBe(403);
    expect(await reserved.json()).toEqual({
      ...DENIED,
      message: 'Only operator-admin sets plan, twoLeggedApis.',
    });
    for (const field of [
      { status: 'active' },
      { clientId: 'chosen' },
      { secretHash: 'x' },
      { credentials: [] },
    ]) {
      const res = await call(server.url, 'POST', path, tokens.admin, { ...APPLICATION, ...field });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: `Unknown property: ${Object.keys(field)[0]}.`,
      });
    }
  });

  it('refuses a scope or purpose the platform does not know (400)', async () => {
    const path = `/admin/v1/partners/${partnerId}/applications`;
    const scope = await call(server.url, 'POST', path, tokens.admin, {
      ...APPLICATION,
      scopes: ['sim-swap:steal'],
    });
    expect(await scope.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'scopes: unknown scope "sim-swap:steal".',
    });
    const purpose = await call(server.url, 'POST', path, tokens.admin, {
      ...APPLICATION,
      purposes: ['dpv:Marketing'],
    });
    expect(await purpose.json()).toEqual({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'purposes: unknown purpose "dpv:Marketing".',
    });
  });

  it('refuses a developer token on an admin route, and an admin token on SIM Swap (401)', async () => {
    const tokenRes = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(DEMO.clientId, DEMO.secret),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'dpv:FraudPreventionAndDetection sim-swap:check',
      }).toString(),
    });
    expect(tokenRes.status).toBe(200);
    const developer = ((await tokenRes.json()) as { access_token: string }).access_token;
    const onAdmin = await call(server.url, 'GET', '/admin/v1/partners', developer);
    expect(onAdmin.status).toBe(401);
    expect(await onAdmin.json()).toEqual(UNAUTHENTICATED);
    const onSimSwap = await call(server.url, 'POST', '/sim-swap/v2/check', tokens.admin, {
      phoneNumber: '+34600000001',
    });
    expect(onSimSwap.status).toBe(401);
    expect(await onSimSwap.json()).toEqual(UNAUTHENTICATED);
  });

  it('refuses the admin audience to a developer application (invalid_client)', async () => {
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(DEMO.clientId, DEMO.secret),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: `${server.url}/admin`,
      }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });

  it('refuses a tampered admin token and one its holder revoked (401)', async () => {
    const [head, payload, signature] = tokens.admin.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: 'console-admin', role: 'x' })).toString('base64url')}.${signature}`;
    const flipped = `${head}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    for (const bad of [forged, flipped]) {
      const res = await call(server.url, 'GET', '/admin/v1/partners', bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHENTICATED);
    }
    const own = await adminToken(server.url, keys.support, server.clock.now());
    expect((await call(server.url, 'GET', '/admin/v1/partners', own)).status).toBe(200);
    expect((await call(server.url, 'DELETE', '/admin/v1/session', own)).status).toBe(204);
    const after = await call(server.url, 'GET', '/admin/v1/partners', own);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual(UNAUTHENTICATED);
  });

  it('treats an admin client asking for another audience as an unknown developer client (401)', async () => {
    const first = await requestAdminToken(server.url, keys.admin, server.clock.now());
    expect(first.status).toBe(200);
    const wrongAudience = await requestAdminToken(server.url, keys.admin, server.clock.now(), {
      resource: server.url,
    });
    // Without the admin resource the request is a developer's, and no developer application has this id.
    expect(wrongAudience.status).toBe(401);
  });
});
