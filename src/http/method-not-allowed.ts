import type { Hono } from 'hono';
import type { RouterRoute } from 'hono/types';
import { ApiError } from '../errors.js';
import type { Env } from './env.js';

/**
 * 405 with `Allow` for a path that `routes` (Hono's own records of the mounted routers) serve
 * with other methods. Each such path gets one more route, for any method, registered after the
 * real ones: Hono reaches it only when none of them matched the method, and an unknown path still
 * falls through to notFound (404). Matching is Hono's own (strict paths, `:param` segments):
 * `/check/` is not `/check`, so it is a 404, not a 405 whose Allow would name the very method
 * that was used.
 */
export function refuseOtherMethods(app: Hono<Env>, routes: readonly RouterRoute[]): void {
  const allowed = new Map<string, Set<string>>();
  for (const { method, path } of routes) {
    if (method !== 'ALL') allowed.set(path, (allowed.get(path) ?? new Set<string>()).add(method));
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods].sort().join(', ');
    app.all(path, () => {
      throw new ApiError('METHOD_NOT_ALLOWED', undefined, { Allow: allow });
    });
  }
}
