import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { simSwap } from '../../apis/sim-swap/index.js';
import type { Lifecycle } from '../../src/admin/inventory.js';
import { createApp } from '../../src/app.js';
import { OPERATOR_ENV, OPERATOR_KEY } from '../support/consent.js';
import { post, testPlatform } from '../support/app.js';

/**
 * The API inventory seen from outside: the RFC 9727 catalog, the operator's read-only inventory,
 * and the lifecycle of a version (deprecated, then retired). The lifecycle is a fixture: an older
 * SIM Swap v1 served beside v2 and deprecated, and a v0 retired; no real API is deprecated.
 */

const CATALOG_TYPE = 'application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"';
const ROOT = 'http://gateway.test';

const simSwapV1 = { ...simSwap, version: '1.0.0', basePath: '/sim-swap/v1' };
const LIFECYCLE: Lifecycle = {
  deprecated: {
    '/sim-swap/v1': {
      since: '2026-01-01T00:00:00Z',
      sunset: '2026-07-01T00:00:00Z',
      successor: '/sim-swap/v2',
    },
  },
  retired: [
    {
      name: 'sim-swap',
      title: 'SIM Swap',
      version: '0.4.0',
      basePath: '/sim-swap/v0',
      retiredAt: '2025-06-30T00:00:00Z',
      successor: '/sim-swap/v2',
    },
  ],
};

/** The sandbox platform with the fixture lifecycle; its clock starts on 2026-01-15. */
async function withLifecycle() {
  const platform = await testPlatform({ env: OPERATOR_ENV });
  return {
    ...platform,
    app: createApp(platform.deps, { modules: [...API_MODULES, simSwapV1], lifecycle: LIFECYCLE }),
  };
}

const linkOf = (anchor: string, openapi: string, title: string) => ({
  anchor: `${ROOT}${anchor}`,
  'service-desc': [
    { href: `${ROOT}/openapi/${openapi}.json`, type: 'application/vnd.oai.openapi+json', title },
  ],
  status: [{ href: `${ROOT}/health`, type: 'application/json' }],
});

const AUTH_SERVER_LINKS = {
  anchor: ROOT,
  'service-desc': [
    {
      href: `${ROOT}/openapi/authorization-server.json`,
      type: 'application/vnd.oai.openapi+json',
      title: 'Authorization server (OAuth 2.0 / OpenID Connect)',
    },
  ],
  'service-meta': [{ href: `${ROOT}/.well-known/openid-configuration`, type: 'application/json' }],
  status: [{ href: `${ROOT}/health`, type: 'application/json' }],
};

describe('GET /.well-known/api-catalog (RFC 9727)', () => {
  it('lists every CAMARA API and the authorization server, with their OpenAPI documents', async () => {
    const { app } = await testPlatform();
    const res = await app.request('/.well-known/api-catalog');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CATALOG_TYPE);
    expect(res.headers.get('link')).toBe(`<${ROOT}/.well-known/api-catalog>; rel="api-catalog"`);
    expect(await res.json()).toEqual({
      linkset: [
        linkOf('/sim-swap/v2', 'sim-swap', 'SIM Swap'),
        linkOf('/kyc-match/v0.4', 'kyc-match', 'Know Your Customer Match'),
        linkOf('/number-verification/v2', 'number-verification', 'Number Verification'),
        linkOf('/consent-info/v0', 'consent-info', 'Consent Info'),
        AUTH_SERVER_LINKS,
      ],
    });
  });

  it('answers HEAD with the api-catalog link and no body', async () => {
    const { app } = await testPlatform();
    const res = await app.request('/.well-known/api-catalog', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBe(`<${ROOT}/.well-known/api-catalog>; rel="api-catalog"`);
    expect(await res.text()).toBe('');
  });

  it('names the successor of a deprecated version and leaves retired versions out', async () => {
    const { app } = await withLifecycle();
    const body = (await (await app.request('/.well-known/api-catalog')).json()) as {
      linkset: { anchor: string; 'successor-version'?: { href: string }[] }[];
    };
    expect(body.linkset.map((l) => l.anchor)).toEqual([
      `${ROOT}/sim-swap/v2`,
      `${ROOT}/kyc-match/v0.4`,
      `${ROOT}/number-verification/v2`,
      `${ROOT}/consent-info/v0`,
      `${ROOT}/sim-swap/v1`,
      ROOT,
    ]);
    // One document per API name: v1 has none of its own to point at.
    expect(body.linkset[4]).toEqual({
      anchor: `${ROOT}/sim-swap/v1`,
      status: [{ href: `${ROOT}/health`, type: 'application/json' }],
      'successor-version': [{ href: `${ROOT}/sim-swap/v2` }],
    });
  });
});

describe('deprecated version (RFC 9745, RFC 8594)', () => {
  const DEPRECATION_HEADERS = {
    deprecation: '@1767225600',
    sunset: 'Wed, 01 Jul 2026 00:00:00 GMT',
    link: `<${ROOT}/sim-swap/v2>; rel="successor-version"`,
  };
  const headersOf = (res: Response) => ({
    deprecation: res.headers.get('deprecation'),
    sunset: res.headers.get('sunset'),
    link: res.headers.get('link'),
  });

  it('answers as usual with Deprecation, Sunset and the successor-version link', async () => {
    const { app, token } = await withLifecycle();
    const res = await post(app, '/sim-swap/v1/check', { phoneNumber: '+34600000001' }, await token());
    expect(res.status).toBe(200);
    expect(headersOf(res)).toEqual(DEPRECATION_HEADERS);
    expect(await res.json()).toEqual({ swapped: true });
  });

  it('carries the headers on its errors too (401 without a token)', async () => {
    const { app } = await withLifecycle();
    const res = await post(app, '/sim-swap/v1/check', { phoneNumber: '+34600000001' }, undefined);
    expect(res.status).toBe(401);
    expect(headersOf(res)).toEqual(DEPRECATION_HEADERS);
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  });

  it('carries them once at the bare base path (401 without a token)', async () => {
    const { app } = await withLifecycle();
    const res = await post(app, '/sim-swap/v1', {}, undefined);
    expect(res.status).toBe(401);
    expect(headersOf(res)).toEqual(DEPRECATION_HEADERS);
  });

  it('leaves the active version without them', async () => {
    const { app, token } = await withLifecycle();
    const res = await post(app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, await token());
    expect(res.status).toBe(200);
    expect(headersOf(res)).toEqual({ deprecation: null, sunset: null, link: null });
  });

  it('is retired at its sunset: 410 GONE from then on, token or not', async () => {
    const { app, clock, token } = await withLifecycle();
    const bearer = await token();
    clock.set(Date.parse('2026-07-01T00:00:00Z'));
    const res = await post(app, '/sim-swap/v1/check', { phoneNumber: '+34600000001' }, bearer);
    expect(res.status).toBe(410);
    expect(res.headers.get('link')).toBe(`<${ROOT}/sim-swap/v2>; rel="successor-version"`);
    expect(await res.json()).toEqual({
      status: 410,
      code: 'GONE',
      message: `SIM Swap 1.0.0 has been retired. Use ${ROOT}/sim-swap/v2.`,
    });
  });
});

describe('retired version', () => {
  it.each(['/sim-swap/v0/check', '/sim-swap/v0', '/sim-swap/v0/anything/else'])(
    'POST %s is 410 GONE with the successor, before any token check',
    async (path) => {
      const { app } = await withLifecycle();
      const res = await post(app, path, { phoneNumber: '+34600000001' }, undefined);
      expect(res.status).toBe(410);
      expect(res.headers.get('x-correlator')).toBe('b4333c46-49c0-4f62-80d7-f0ef930f1c46');
      expect(res.headers.get('link')).toBe(`<${ROOT}/sim-swap/v2>; rel="successor-version"`);
      expect(await res.json()).toEqual({
        status: 410,
        code: 'GONE',
        message: `SIM Swap 0.4.0 has been retired. Use ${ROOT}/sim-swap/v2.`,
      });
    },
  );

  it('refuses a lifecycle that names a version not served, or retires one still served', async () => {
    const { deps } = await testPlatform();
    const since = '2026-01-01T00:00:00Z';
    expect(() => createApp(deps, { lifecycle: { deprecated: { '/sim-swap/v9': { since } } } })).toThrow(
      'deprecated API /sim-swap/v9 is not served',
    );
    const retired = { name: 'sim-swap', title: 'SIM Swap', version: '2.1.0', retiredAt: since };
    expect(() =>
      createApp(deps, { lifecycle: { retired: [{ ...retired, basePath: '/sim-swap/v2' }] } }),
    ).toThrow('retired API /sim-swap/v2 is still served');
  });
});

describe('GET /internal/inventory (operator)', () => {
  it('is 401 without an operator key', async () => {
    const { app } = await withLifecycle();
    const res = await app.request('/internal/inventory', {
      headers: { authorization: 'Bearer not-a-key-0123456789' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="operator"');
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  });

  it('lists every interface with its version and status now', async () => {
    const { app } = await withLifecycle();
    const res = await app.request('/internal/inventory', {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(res.status).toBe(200);
    const { apis } = (await res.json()) as {
      apis: { id: string; status: string; audience: string; production: boolean }[];
    };
    expect(apis.map((a) => [a.id, a.status, a.audience, a.production])).toEqual([
      ['sim-swap@2.1.0', 'active', 'public', true],
      ['kyc-match@0.4.0', 'active', 'public', true],
      ['number-verification@2.1.0', 'active', 'public', true],
      ['consent-info@0.2.0-rc.2', 'active', 'public', true],
      ['sim-swap@1.0.0', 'deprecated', 'public', true],
      ['sim-swap@0.4.0', 'retired', 'public', true],
      ['authorization-server@0.1.0', 'active', 'public', true],
      ['consent-pages', 'active', 'public', true],
      ['health', 'active', 'public', true],
      ['api-catalog', 'active', 'public', true],
      ['openapi-documents', 'active', 'public', true],
      ['operator-internal', 'active', 'operator', true],
      ['sandbox', 'active', 'public', false],
    ]);
    expect(apis[4]).toMatchObject({
      basePath: '/sim-swap/v1',
      deprecation: {
        since: '2026-01-01T00:00:00Z',
        sunset: '2026-07-01T00:00:00Z',
        successor: '/sim-swap/v2',
      },
      routes: [
        { method: 'POST', path: '/sim-swap/v1/check' },
        { method: 'POST', path: '/sim-swap/v1/retrieve-date' },
      ],
    });
  });
});
