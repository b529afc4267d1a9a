import { Hono } from 'hono';
import { API_MODULES } from '../apis/index.js';
import type { ApiModule } from './api-module.js';
import { authServer, authServerDocument, requireToken } from './auth/index.js';
import type { Deps } from './deps.js';
import { ApiError } from './errors.js';
import { correlator } from './http/correlator.js';
import type { Env } from './http/env.js';
import { jsonBody } from './http/json-body.js';
import { isRouted, methodNotAllowed } from './http/not-found.js';
import { onError } from './http/on-error.js';
import { securityHeaders } from './http/security-headers.js';
import { apiDocument } from './openapi.js';
import { rateLimit } from './ratelimit/middleware.js';

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
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
    c.res.headers.set('x-correlator', c.get('correlator'));
  });
  app.use('*', securityHeaders(deps.config.publicUrl.startsWith('https:')));
  app.use('*', correlator);

  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    await deps.store.ping();
    return c.json({ status: 'ready' });
  });
  app.route('/', authServer(scopeCatalogue(modules)));
  app.get('/openapi/authorization-server.json', (c) => c.json(authServerDocument(deps.config.publicUrl)));

  const routes: { method: string; path: string }[] = [];
  const body = jsonBody(deps.config.maxBodyBytes);
  for (const module of modules) {
    const router = module.router();
    app.get(`/openapi/${module.name}.json`, (c) =>
      c.json(apiDocument(module, router, deps.config.publicUrl)),
    );
    // DESIGN §2: token (401) → rate limit (429) → body (400/413/415) → the route's own checks.
    // The body is read only for a routed POST/PUT/PATCH: a wrong method or path stays a 405/404.
    app.use(`${module.basePath}/*`, requireToken, rateLimit, async (c, next) =>
      ['POST', 'PUT', 'PATCH'].includes(c.req.method) && isRouted(routes, c.req.method, c.req.path)
        ? body(c, next)
        : next(),
    );
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
