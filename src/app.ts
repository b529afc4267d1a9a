import { Hono, type Context } from 'hono';
import type { RouterRoute } from 'hono/types';
import { API_LIFECYCLE, API_MODULES } from '../apis/index.js';
import { apiCatalogRoutes, internalInventoryRoutes } from './admin/api-catalog.js';
import { apiInventory, type Lifecycle } from './admin/inventory.js';
import { enforceLifecycle } from './admin/lifecycle.js';
import { errorCatalogue, type ApiModule } from './api-module.js';
import { requireOperator } from './admin/operator-auth.js';
import { ADMIN_BASE_PATH, adminApi, adminDocument, servesAdmin } from './admin/v1/index.js';
import { authServer, authServerDocument } from './auth/index.js';
import { internalConsentRoutes } from './consent/internal-routes.js';
import { consentPages } from './consent/page-routes.js';
import { sandboxConsentRoutes } from './consent/sandbox-routes.js';
import { selfServiceRoutes } from './consent/self-service.js';
import type { Deps } from './deps.js';
import { ApiError } from './errors.js';
import { correlate } from './http/correlator.js';
import type { Env } from './http/env.js';
import { jsonBody } from './http/json-body.js';
import { refuseOtherMethods } from './http/method-not-allowed.js';
import { onError } from './http/on-error.js';
import { securityHeaders } from './http/security-headers.js';
import { apiDocument } from './openapi.js';
import { resourcePipeline, selfServicePipeline } from './pipeline/index.js';
import type { Runtime } from './runtime/port.js';
import { webRuntime } from './runtime/web.js';
import { internalMetrics, requestMetrics } from './metrics/index.js';
import { servesSandbox } from './sandbox-seed.js';

/** Every API scope → its API name, for the authorization server. */
export function scopeCatalogue(modules: readonly ApiModule[]): Map<string, string> {
  return new Map(modules.flatMap((m) => m.scopes.map((s) => [s, m.name] as const)));
}

export type AppOptions = {
  modules?: readonly ApiModule[];
  /**
   * How requests are read (runtime/): the entry chooses, nodeRuntime under @hono/node-server;
   * by default any standard Request (workerd, app.request() in tests).
   */
  runtime?: Runtime;
  /**
   * The dependencies of one request, when the entry builds them per request (the Worker binds a
   * store connection per request: src/worker.ts); by default every request shares `deps`.
   */
  requestDeps?: (c: Context<Env>) => Deps;
  /** Deprecated and retired API versions (admin/inventory.ts); by default apis/index.ts's. */
  lifecycle?: Lifecycle;
};

/**
 * Composes the platform: no environment reads and no I/O here, so the same app runs on Node,
 * in workerd and under `app.request()` in tests.
 */
export function createApp(deps: Deps, options: AppOptions = {}): Hono<Env> {
  const { modules = API_MODULES, runtime = webRuntime, requestDeps, lifecycle = API_LIFECYCLE } = options;
  // Each module declares its error codes (ApiModule.errors); a clash fails here, at composition.
  errorCatalogue(modules);
  const app = new Hono<Env>();
  const inventory = apiInventory(deps.config, modules, lifecycle);
  app.use('*', requestMetrics(deps, modules));
  // Every response carries the security headers and the x-correlator (step 1), errors included.
  // One middleware: every step before a route is a function of its own module, called in order
  // here, which spares a layer of Hono's middleware chain per step (bench/README.md).
  const secure = securityHeaders(deps.config.publicUrl.startsWith('https:'));
  app.use('*', async (c, next) => {
    c.set('deps', requestDeps === undefined ? deps : requestDeps(c));
    c.set('runtime', runtime);
    secure(c);
    correlate(c);
    await next();
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    await c.get('deps').store.ping();
    return c.json({ status: 'ready' });
  });

  // The routes of the routers mounted below, as Hono records them: their other methods are 405.
  const mounted: RouterRoute[] = [];
  const mount = (base: string, router: Hono<Env>) => {
    const from = app.routes.length;
    app.route(base, router);
    mounted.push(...app.routes.slice(from));
  };

  // The authorization server too: GET /oauth2/token is 405 with `Allow: POST` (RFC 9110 §15.5.6),
  // as on the APIs, not a 404 that says the endpoint does not exist.
  mount('/', authServer(scopeCatalogue(modules)));
  app.get('/openapi/authorization-server.json', (c) => c.json(authServerDocument(deps.config.publicUrl)));

  // Consent capture (DESIGN §3): the subscriber's page, self-service, the operator's channel.
  mount('/', consentPages());
  app.use('/consents', selfServicePipeline);
  app.use('/consents/*', selfServicePipeline);
  mount('/', selfServiceRoutes());
  mount('/', apiCatalogRoutes(inventory));
  if (deps.config.operatorApiKeyHashes.length > 0) {
    app.get('/internal/metrics', requireOperator, internalMetrics); // before the JSON body check
    mount('/', internalInventoryRoutes(inventory)); // a GET: ahead of the /internal/* body step
    app.use('/internal/*', requireOperator, jsonBody(deps.config.maxBodyBytes));
    mount('/', internalConsentRoutes());
  }
  if (servesSandbox(deps.config)) mount('/', sandboxConsentRoutes());
  // The operator's control plane (admin/v1/): only with admin clients or an identity provider.
  if (servesAdmin(deps.config)) {
    app.get('/openapi/admin.json', (c) => c.json(adminDocument(deps.config.publicUrl)));
    mount(ADMIN_BASE_PATH, adminApi(scopeCatalogue(modules)));
  }
  enforceLifecycle(app, inventory);
  for (const module of modules) {
    const router = module.router();
    app.get(`/openapi/${module.name}.json`, (c) =>
      c.json(apiDocument(module, router, deps.config.publicUrl)),
    );
    // DESIGN §2 (pipeline/): every path under the API's base, routed or not, takes the token first.
    app.use(
      `${module.basePath}/*`,
      resourcePipeline({ legalBasis: module.legalBasis !== false, api: module.name }),
    );
    mount(module.basePath, router);
  }
  refuseOtherMethods(app, mounted);

  app.notFound(() => {
    throw new ApiError('NOT_FOUND');
  });
  app.onError(onError);
  return app;
}
