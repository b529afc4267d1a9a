import type { Hono } from 'hono';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { API_LIFECYCLE, API_MODULES } from '../../apis/index.js';
import { simSwap } from '../../apis/sim-swap/index.js';
import { apiInventory, type InventoryEntry, type Lifecycle } from '../../src/admin/inventory.js';
import type { ApiModule } from '../../src/api-module.js';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig, type Config } from '../../src/config.js';
import { DEFAULT_PURPOSES } from '../../src/consent/purposes.js';
import type { Env } from '../../src/http/env.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { OPERATOR_ENV } from '../support/consent.js';

/**
 * No zombie API (DESIGN §1): the router is walked after createApp, and every route it holds must
 * be in the API inventory (method and path), every inventoried route must be routed, and in
 * production nothing meant for the sandbox, tests or debugging may answer at all.
 */

type Route = { method: string; path: string };

async function productionConfig(): Promise<Config> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return parseConfig({
    NODE_ENV: 'production',
    SIGNING_KEYS: JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] }),
    TOKEN_SECRET: 'q'.repeat(43),
    PUBLIC_URL: 'https://api.operator.example',
    PSEUDONYM_KEYS: `k1:${'p'.repeat(43)}`,
    PURPOSE_REGISTRY: JSON.stringify(DEFAULT_PURPOSES),
    NETWORK_BACKEND: 'http',
    NETWORK_HTTP_URL: 'https://bss.operator.example',
    NETWORK_HTTP_TOKEN: 't',
    OPERATOR_API_KEYS: OPERATOR_ENV.OPERATOR_API_KEYS,
  });
}

const sandboxConfig = (env: Record<string, string> = {}) =>
  parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test', NETWORK_BACKEND: 'sandbox', ...env });

async function platform(
  config: Config,
  modules: readonly ApiModule[] = API_MODULES,
  lifecycle: Lifecycle = API_LIFECYCLE,
): Promise<{ app: Hono<Env>; inventory: InventoryEntry[] }> {
  const clock = new ManualClock();
  const deps = await buildDeps(config, { store: new MemoryStore(clock), clock, logger: silentLogger });
  return {
    app: createApp(deps, { modules, lifecycle }),
    inventory: apiInventory(config, modules, lifecycle),
  };
}

const key = (r: Route) => `${r.method} ${r.path}`;

/**
 * The router's routes that the inventory does not hold. A middleware (method ALL, from `use`)
 * must guard something inventoried; only the platform's first, global step may cover every path.
 */
function unlisted(app: Hono<Env>, inventory: readonly InventoryEntry[]): string[] {
  const listed = inventory.flatMap((e) => e.routes);
  const bases = inventory.flatMap((e) => (e.basePath === undefined ? [] : [e.basePath]));
  const listedKeys = new Set(listed.map(key));
  return app.routes
    .filter((r, index) => {
      if (r.method !== 'ALL') return !listedKeys.has(key(r));
      if (index === 0 && r.path === '/*') return false;
      const prefix = r.path.replace(/\/\*$/, '');
      return !(
        bases.includes(prefix) || listed.some((l) => l.path === prefix || l.path.startsWith(`${prefix}/`))
      );
    })
    .map(key);
}

/** The inventory's routes that the router does not serve: a stale entry is a lie too. */
function unrouted(app: Hono<Env>, inventory: readonly InventoryEntry[]): string[] {
  const routed = new Set(app.routes.map(key));
  return inventory.flatMap((e) => e.routes.map(key)).filter((k) => !routed.has(k));
}

/** A concrete request path for a route pattern. */
const sample = (path: string) => path.replace(/:[^/]+/g, 'sample').replace(/\*$/, 'sample');

const NOT_FOUND = { status: 404, code: 'NOT_FOUND', message: 'The specified resource is not found.' };

async function answer(app: Hono<Env>, r: Route) {
  const res = await app.request(sample(r.path), { method: r.method });
  const text = await res.text();
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

describe('every route is in the API inventory', () => {
  it.each([
    ['sandbox, operator API', () => sandboxConfig(OPERATOR_ENV)],
    ['sandbox, no operator key', () => sandboxConfig()],
    ['production, operator API', productionConfig],
  ] as const)('%s: the router and the inventory hold the same routes', async (_label, config) => {
    const { app, inventory } = await platform(await config());
    expect(unlisted(app, inventory)).toEqual([]);
    expect(unrouted(app, inventory)).toEqual([]);
  });

  it('holds a deprecated version served beside its successor, and a retired one', async () => {
    const v1 = { ...simSwap, version: '1.0.0', basePath: '/sim-swap/v1' };
    const lifecycle: Lifecycle = {
      deprecated: { '/sim-swap/v1': { since: '2026-01-01T00:00:00Z', successor: '/sim-swap/v2' } },
      retired: [
        {
          name: 'sim-swap',
          title: 'SIM Swap',
          version: '0.4.0',
          basePath: '/sim-swap/v0',
          retiredAt: '2025-06-30T00:00:00Z',
        },
      ],
    };
    const { app, inventory } = await platform(sandboxConfig(OPERATOR_ENV), [...API_MODULES, v1], lifecycle);
    expect(app.routes.filter((r) => r.path.startsWith('/sim-swap/v1')).length).toBeGreaterThan(0);
    expect(unlisted(app, inventory)).toEqual([]);
    expect(unrouted(app, inventory)).toEqual([]);
  });

  it('lists what each configuration mounts: no operator key, no /internal routes', async () => {
    const { inventory } = await platform(sandboxConfig());
    expect(inventory.flatMap((e) => e.routes).filter((r) => r.path.startsWith('/internal'))).toEqual([]);
    const { app } = await platform(sandboxConfig());
    expect(app.routes.filter((r) => r.path.startsWith('/internal'))).toEqual([]);
  });
});

describe('production serves no sandbox, test or debug route', () => {
  it('inventories nothing but production surfaces, under no sandbox/test/debug prefix', async () => {
    const { app, inventory } = await platform(await productionConfig());
    expect(inventory.filter((e) => !e.production).map((e) => e.id)).toEqual([]);
    const suspicious = /^\/(sandbox|test|tests|debug|dev|_[^/]*)(\/|$)/;
    expect(app.routes.map(key).filter((k) => suspicious.test(k.split(' ')[1] as string))).toEqual([]);
  });

  it('answers 404 NOT_FOUND on every route only a non-production deployment serves', async () => {
    const development = await platform(sandboxConfig(OPERATOR_ENV));
    const nonProduction = development.inventory.filter((e) => !e.production).flatMap((e) => e.routes);
    expect(nonProduction.map(key)).toEqual(['GET /sandbox/consent-notifications']);
    const { app } = await platform(await productionConfig());
    for (const r of nonProduction)
      expect({ route: key(r), ...(await answer(app, r)) }).toEqual({
        route: key(r),
        status: 404,
        body: NOT_FOUND,
      });
  });

  it('routes every production route pattern (no request falls through to the 404)', async () => {
    const { app, inventory } = await platform(await productionConfig());
    for (const r of inventory.flatMap((e) => e.routes)) {
      const { status, body } = await answer(app, r);
      expect({
        route: key(r),
        fellThrough: status === 404 && JSON.stringify(body) === JSON.stringify(NOT_FOUND),
      }).toEqual({ route: key(r), fellThrough: false });
    }
  });
});
