import type { ApiModule } from '../api-module.js';
import { AUTH_SERVER_VERSION } from '../auth/openapi.js';
import type { Config } from '../config.js';
import { servesSandbox } from '../sandbox-seed.js';
import { ADMIN_API_VERSION, ADMIN_BASE_PATH, ADMIN_ROUTES, honoPath } from './v1/openapi.js';
import { servesAdmin } from './v1/index.js';

/**
 * The API inventory: every interface this deployment exposes, with its version and lifecycle
 * status, so that no forgotten ("zombie") API stays reachable (DESIGN §1, admin/). The CAMARA
 * entries are derived from the API modules themselves (name, version, basePath, routes), so they
 * cannot drift; the platform's own surfaces are listed here by hand, and a test walks the router
 * and fails on any route this list does not hold.
 */

export type ApiStatus = 'active' | 'deprecated' | 'retired';

export type InventoryRoute = { readonly method: string; readonly path: string };

/** A served version on its way out (RFC 9745 Deprecation, RFC 8594 Sunset). */
export type Deprecation = {
  /** ISO date-time from which the version is deprecated (`Deprecation: @<unix-seconds>`). */
  since: string;
  /** ISO date-time after which it stops answering: from then on it is retired (410). */
  sunset?: string;
  /** Path or URL of the version that replaces it (`Link: <…>; rel="successor-version"`). */
  successor?: string;
};

/** A version no longer served: its code may be gone, its record stays so callers get 410, not 404. */
export type RetiredApi = {
  name: string;
  title: string;
  version: string;
  basePath: string;
  retiredAt: string;
  successor?: string;
};

/** The lifecycle decisions the inventory adds to the modules: keyed by basePath. */
export type Lifecycle = {
  deprecated?: Readonly<Record<string, Deprecation>>;
  retired?: readonly RetiredApi[];
};

export type Surface = 'camara-api' | 'authorization-server' | 'consent' | 'operator' | 'platform' | 'sandbox';

export type InventoryEntry = {
  /** Unique: `<name>@<version>` for versioned interfaces, the name alone for the others. */
  id: string;
  name: string;
  title: string;
  /** Null for a surface not versioned in its URL (its changes are additive). */
  version: string | null;
  surface: Surface;
  /** Who may call it: the public (developers, subscribers) or the operator's own systems. */
  audience: 'public' | 'operator';
  /** False for what only a non-production deployment serves (sandbox, tests, debugging). */
  production: boolean;
  basePath?: string;
  routes: readonly InventoryRoute[];
  /** Path of its OpenAPI document, where one is served. */
  openapi?: string;
  deprecation?: Deprecation;
  retired?: { at: string; successor?: string };
};

const route = (method: string, path: string): InventoryRoute => ({ method, path });

/** The authorization server's endpoints (src/auth/index.ts authServer). */
const AUTH_SERVER_ROUTES = [
  route('GET', '/.well-known/openid-configuration'),
  route('GET', '/.well-known/oauth-authorization-server'),
  route('GET', '/oauth2/jwks'),
  route('GET', '/oauth2/authorize'),
  route('POST', '/oauth2/authorize'),
  route('GET', '/oauth2/authorize/continue'),
  route('POST', '/oauth2/bc-authorize'),
  route('POST', '/oauth2/token'),
  route('POST', '/oauth2/introspect'),
  route('POST', '/oauth2/revoke'),
];

/** The operator's channel into the consent store (src/consent/internal-routes.ts), this inventory and the metrics. */
const OPERATOR_ROUTES = [
  route('POST', '/internal/consent-requests/:id/decision'),
  route('POST', '/internal/consents'),
  route('POST', '/internal/consents/withdraw'),
  route('POST', '/internal/consents/list'),
  route('POST', '/internal/opt-outs'),
  route('POST', '/internal/opt-outs/remove'),
  route('GET', '/internal/inventory'),
  route('GET', '/internal/metrics'),
];

export const API_CATALOG_PATH = '/.well-known/api-catalog';

function platformEntries(config: Config): InventoryEntry[] {
  const entry = (e: Omit<InventoryEntry, 'id' | 'production'> & { production?: boolean }) => ({
    id: e.version === null ? e.name : `${e.name}@${e.version}`,
    production: true,
    ...e,
  });
  const entries: InventoryEntry[] = [
    entry({
      name: 'authorization-server',
      title: 'Authorization server (OAuth 2.0 / OpenID Connect)',
      version: AUTH_SERVER_VERSION,
      surface: 'authorization-server',
      audience: 'public',
      routes: AUTH_SERVER_ROUTES,
      openapi: '/openapi/authorization-server.json',
    }),
    entry({
      name: 'consent-pages',
      title: "Subscriber's consent page and self-service",
      version: null,
      surface: 'consent',
      audience: 'public',
      routes: [
        route('GET', '/consent/:id'),
        route('POST', '/consent/:id'),
        route('GET', '/consents'),
        route('DELETE', '/consents/:purpose'),
      ],
    }),
    entry({
      name: 'health',
      title: 'Liveness and readiness',
      version: null,
      surface: 'platform',
      audience: 'public',
      routes: [route('GET', '/health'), route('GET', '/ready')],
    }),
    entry({
      name: 'api-catalog',
      title: 'API catalog (RFC 9727)',
      version: null,
      surface: 'platform',
      audience: 'public',
      routes: [route('GET', API_CATALOG_PATH)],
    }),
    entry({
      name: 'openapi-documents',
      title: 'OpenAPI documents',
      version: null,
      surface: 'platform',
      audience: 'public',
      routes: [route('GET', '/openapi/authorization-server.json')],
    }),
  ];
  // The same conditions as createApp's: what is not mounted is not listed.
  if (config.operatorApiKeyHashes.length > 0)
    entries.push(
      entry({
        name: 'operator-internal',
        title: "Operator's internal API (consent channel, inventory, metrics)",
        version: null,
        surface: 'operator',
        audience: 'operator',
        routes: OPERATOR_ROUTES,
      }),
    );
  if (servesAdmin(config)) {
    entries.push(
      entry({
        name: 'admin',
        title: 'Operator admin API (partners, applications, credentials, plans)',
        version: ADMIN_API_VERSION,
        surface: 'operator',
        audience: 'operator',
        basePath: ADMIN_BASE_PATH,
        openapi: '/openapi/admin.json',
        routes: Object.values(ADMIN_ROUTES).map((r) =>
          route(r.method.toUpperCase(), `${ADMIN_BASE_PATH}${honoPath(r.path)}`),
        ),
      }),
    );
    const documents = entries.find((e) => e.name === 'openapi-documents') as InventoryEntry;
    documents.routes = [...documents.routes, route('GET', '/openapi/admin.json')];
  }
  if (servesSandbox(config))
    entries.push(
      entry({
        name: 'sandbox',
        title: 'Sandbox helpers (consent notifications the demo channel "sent")',
        version: null,
        surface: 'sandbox',
        audience: 'public',
        production: false,
        routes: [route('GET', '/sandbox/consent-notifications')],
      }),
    );
  return entries;
}

/** A module's operations, once each: the router holds a validator and a handler per operation. */
function operationsOf(module: ApiModule): InventoryRoute[] {
  const keys = new Set(module.router().routes.map((r) => `${r.method} ${module.basePath}${r.path}`));
  return [...keys].map((key) => route(...(key.split(' ') as [string, string])));
}

/** One CAMARA API module's entry: its facts come from the module, its status from the lifecycle. */
function moduleEntry(module: ApiModule, openapi: string | undefined, lifecycle: Lifecycle): InventoryEntry {
  const deprecation = lifecycle.deprecated?.[module.basePath];
  return {
    id: `${module.name}@${module.version}`,
    name: module.name,
    title: module.title,
    version: module.version,
    surface: 'camara-api',
    audience: 'public',
    production: true,
    basePath: module.basePath,
    routes: operationsOf(module),
    ...(openapi === undefined ? {} : { openapi }),
    ...(deprecation === undefined ? {} : { deprecation }),
  };
}

function retiredEntry(api: RetiredApi): InventoryEntry {
  return {
    id: `${api.name}@${api.version}`,
    name: api.name,
    title: api.title,
    version: api.version,
    surface: 'camara-api',
    audience: 'public',
    production: true,
    basePath: api.basePath,
    routes: [],
    retired: { at: api.retiredAt, ...(api.successor === undefined ? {} : { successor: api.successor }) },
  };
}

/** Rejects a lifecycle that names what is not there: a typo must not leave an API unmarked. */
function checkLifecycle(modules: readonly ApiModule[], lifecycle: Lifecycle): void {
  const served = new Set(modules.map((m) => m.basePath));
  for (const [basePath, d] of Object.entries(lifecycle.deprecated ?? {})) {
    if (!served.has(basePath)) throw new TypeError(`deprecated API ${basePath} is not served`);
    if (Number.isNaN(Date.parse(d.since))) throw new TypeError(`deprecated API ${basePath}: bad date`);
    if (d.sunset !== undefined && !(Date.parse(d.sunset) >= Date.parse(d.since)))
      throw new TypeError(`deprecated API ${basePath}: sunset before deprecation`);
  }
  for (const api of lifecycle.retired ?? []) {
    if (served.has(api.basePath)) throw new TypeError(`retired API ${api.basePath} is still served`);
    if (Number.isNaN(Date.parse(api.retiredAt))) throw new TypeError(`retired API ${api.basePath}: bad date`);
  }
}

/** The inventory of this deployment: what createApp mounts for this configuration, and nothing else. */
export function apiInventory(
  config: Config,
  modules: readonly ApiModule[],
  lifecycle: Lifecycle = {},
): InventoryEntry[] {
  checkLifecycle(modules, lifecycle);
  const platform = platformEntries(config);
  const documents = platform.find((e) => e.name === 'openapi-documents') as InventoryEntry;
  const apis: InventoryEntry[] = [];
  const documented = new Set<string>();
  for (const module of modules) {
    // createApp serves one document per API name: the first module of a name holds it.
    const openapi = documented.has(module.name) ? undefined : `/openapi/${module.name}.json`;
    if (openapi !== undefined) {
      documented.add(module.name);
      documents.routes = [...documents.routes, route('GET', openapi)];
    }
    apis.push(moduleEntry(module, openapi, lifecycle));
  }
  return [...apis, ...(lifecycle.retired ?? []).map(retiredEntry), ...platform];
}

/** The status of an entry at `now`: a deprecated version past its sunset is retired. */
export function statusAt(entry: InventoryEntry, now: number): ApiStatus {
  if (entry.retired !== undefined) return 'retired';
  if (entry.deprecation === undefined) return 'active';
  const sunset = entry.deprecation.sunset;
  return sunset !== undefined && now >= Date.parse(sunset) ? 'retired' : 'deprecated';
}
