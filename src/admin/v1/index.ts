import { Hono } from 'hono';
import type { Config } from '../../config.js';
import type { Env } from '../../http/env.js';
import { applicationHandlers } from './applications-routes.js';
import type { ScopeCatalogue } from './applications-service.js';
import { adminAuth, requires, revokeOwnToken } from './auth.js';
import type { AdminHandlers } from './handlers.js';
import { ADMIN_ROUTES, honoPath, type AdminRouteName } from './openapi.js';
import { partnerHandlers } from './partners-routes.js';
import { planHandlers } from './plans-routes.js';

export { ADMIN_BASE_PATH, ADMIN_API_VERSION, adminDocument } from './openapi.js';

/** The admin API is served when the operator configured who may call it, and only then. */
export const servesAdmin = (config: Pick<Config, 'admin'>) =>
  config.admin.clients.length > 0 || config.admin.idp !== undefined;

const sessionHandlers: AdminHandlers = {
  endSession: [
    undefined,
    async (c) => {
      await revokeOwnToken(c);
      return c.body(null, 204);
    },
  ],
};

/**
 * `/admin/v1` (mounted by app.ts): every route authenticates first (auth.ts), then checks its
 * role's permission (roles.ts), then validates its input; the routes come from the documented
 * table (openapi.ts), each with its handler, and a route without one fails here, at composition.
 */
export function adminApi(catalogue: ScopeCatalogue): Hono<Env> {
  const handlers: AdminHandlers = {
    ...partnerHandlers,
    ...applicationHandlers(catalogue),
    ...planHandlers,
    ...sessionHandlers,
  };
  const router = new Hono<Env>();
  router.use('*', adminAuth);
  for (const [name, route] of Object.entries(ADMIN_ROUTES)) {
    const entry = handlers[name as AdminRouteName];
    if (entry === undefined) throw new Error(`admin route ${name} has no handler`);
    const [action, handler] = entry;
    const path = honoPath(route.path);
    if (action === undefined) router.on(route.method.toUpperCase(), path, handler);
    else router.on(route.method.toUpperCase(), path, requires(action), handler);
  }
  return router;
}
