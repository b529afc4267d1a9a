import { Hono } from 'hono';
import { API_MODULES } from '../apis/index.js';
import type { ApiModule } from './api-module.js';
import { requireOperator } from './admin/operator-auth.js';
import { authenticate, authServer, authServerDocument, requireToken } from './auth/index.js';
import { internalConsentRoutes } from './consent/internal-routes.js';
import { prefetchLegalBasis } from './consent/prefetch.js';
import { consentPages } from './consent/page-routes.js';
import { sandboxConsentRoutes } from './consent/sandbox-routes.js';
import { selfServiceRoutes } from './consent/self-service.js';
import type { Deps } from './deps.js';
import { ApiError } from './errors.js';
import { correlate } from './http/correlator.js';
import type { Env } from './http/env.js';
import { jsonBody, parsedJson, readBodyOnce, readJsonBody } from './http/json-body.js';
import { isRouted, methodNotAllowed } from './http/not-found.js';
import { onError } from './http/on-error.js';
import { securityHeaders } from './http/security-headers.js';
import { apiDocument } from './openapi.js';
import { limit, rateLimit } from './ratelimit/middleware.js';
import { internalMetrics, requestMetrics } from './metrics/index.js';
import { requestHeader } from './http/request-header.js';
import { servesSandbox } from './sandbox-seed.js';

/** Every API scope → its API name, for the authorization server. */
export function scopeCatalogue(modules: readonly ApiModule[]): Map<string, string> {
  return new Map(modules.flatMap((m) => m.scopes.map((s) => [s, m.name] as const)));
}

/**
 * Composes the platform: no environment reads and no I/O here, so the same app runs on Node,
 * in workerd and under `app.request()` in tests.
 */
export function createApp(deps: Deps, modules: readonly ApiModule[] = API_MODULES): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', requestMetrics(deps, modules));
  // Every response carries the security headers and the x-correlator (step 1), errors included.
  // One middleware: every step before a route is a function of its own module, called in order
  // here, which spares a layer of Hono's middleware chain per step (bench/README.md).
  const secure = securityHeaders(deps.config.publicUrl.startsWith('https:'));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    secure(c);
    correlate(c);
    await next();
  });

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    await deps.store.ping();
    return c.json({ status: 'ready' });
  });
  app.route('/', authServer(scopeCatalogue(modules)));
  app.get('/openapi/authorization-server.json', (c) => c.json(authServerDocument(deps.config.publicUrl)));

  const routes: { method: string; path: string }[] = [];
  const body = jsonBody(deps.config.maxBodyBytes);
  const mount = (router: Hono<Env>) => {
    app.route('/', router);
    for (const r of router.routes) if (r.method !== 'ALL') routes.push({ method: r.method, path: r.path });
  };

  // Consent capture (DESIGN §3): the subscriber's page, self-service, the operator's channel.
  mount(consentPages());
  app.use('/consents', requireToken, rateLimit);
  app.use('/consents/*', requireToken, rateLimit);
  mount(selfServiceRoutes());
  if (deps.config.operatorApiKeyHashes.length > 0) {
    app.get('/internal/metrics', requireOperator, internalMetrics); // before the JSON body check
    app.use('/internal/*', requireOperator, body);
    mount(internalConsentRoutes());
  }
  if (servesSandbox(deps.config)) mount(sandboxConsentRoutes());
  for (const module of modules) {
    const router = module.router();
    app.get(`/openapi/${module.name}.json`, (c) =>
      c.json(apiDocument(module, router, deps.config.publicUrl)),
    );
    // DESIGN §2: token (401) → rate limit (429) → body (400/413/415) → the route's own checks.
    // The body is read only for a routed POST/PUT/PATCH: a wrong method or path stays a 405/404.
    // Step 7's store reads start before the rate limit and travel with step 3's (consent/prefetch.ts).
    const prefetch = module.legalBasis !== false;
    const max = deps.config.maxBodyBytes;
    app.use(`${module.basePath}/*`, async (c, next) => {
      await authenticate(c);
      const hasBody =
        ['POST', 'PUT', 'PATCH'].includes(c.req.method) && isRouted(routes, c.req.method, c.req.path);
      if (prefetch) {
        await prefetchLegalBasis(c, () =>
          hasBody && Number(requestHeader(c, 'content-length') ?? '0') <= max
            ? readBodyOnce(c, max).then((raw) => parsedJson(c, raw)?.value)
            : undefined,
        );
      }
      await limit(c);
      if (hasBody) await readJsonBody(c, max);
      await next();
    });
    app.route(module.basePath, router);
    for (const r of router.routes) routes.push({ method: r.method, path: `${module.basePath}${r.path}` });
  }

  app.notFound((c) => {
    const allowed = methodNotAllowed(routes, c.req.path);
    if (allowed.length > 0)
      throw new ApiError('METHOD_NOT_ALLOWED', undefined, { Allow: allowed.join(', ') });
    throw new ApiError('NOT_FOUND');
  });
  app.onError(onError);
  return app;
}
