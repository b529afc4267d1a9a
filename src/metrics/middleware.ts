import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Deps } from '../deps.js';
import type { Env } from '../http/env.js';

/** A request that reached no route (404, 405): its path is never a label, it could hold anything. */
export const UNMATCHED = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every request and its latency by API, method, route pattern and status. Mounted first,
 * so that it sees the final status of every answer, errors from the other middleware included
 * (Hono hands a thrown error to onError inside the layer that threw, and the layers above get
 * the error response). The route is the pattern the router matched (`/consents/:id`), never the
 * path: paths carry identifiers.
 */
export function requestMetrics(
  deps: Pick<Deps, 'metrics' | 'clock'>,
  apis: readonly { name: string; basePath: string }[],
): MiddlewareHandler<Env> {
  const apiOfRoute = (route: string) =>
    apis.find((a) => route.startsWith(`${a.basePath}/`))?.name ?? route.split('/')[1] ?? '';
  // Route patterns are few and fixed: each one's API is worked out once.
  const apiByRoute = new Map<string, string>();
  const apiOf = (route: string) => {
    let api = apiByRoute.get(route);
    if (api === undefined) apiByRoute.set(route, (api = apiOfRoute(route)));
    return api;
  };
  return async (c, next) => {
    const start = deps.clock.now();
    try {
      await next();
    } finally {
      const route = routeOf(c);
      deps.metrics.request(
        {
          api: route === UNMATCHED ? UNMATCHED : apiOf(route),
          method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
          route,
          status: c.res.status,
        },
        Math.max(0, deps.clock.now() - start) / 1000,
      );
    }
  };
}

/** The pattern of the handler that answers: the last matched route that is not a middleware. */
function routeOf(c: Context<Env>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route !== undefined && route.method !== 'ALL') return route.path;
  }
  return UNMATCHED;
}
