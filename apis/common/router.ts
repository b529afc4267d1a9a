import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env } from '../../src/http/env.js';
import { validationHook } from '../../src/http/validation-hook.js';
import { correlatorHeader, registerCommonComponents } from './schemas.js';

/**
 * A router for one API: every validation failure goes through the CAMARA mapping.
 *
 * A route whose only request header is x-correlator documents it but does not validate it again:
 * src/http/correlator.ts checks that header, with the same pattern, on every request before any
 * route runs (400 INVALID_ARGUMENT), so the route's validator could never refuse it, and running
 * it would copy every header of the request into an object for zod on each call. The OpenAPI
 * document is registered from the full route, as OpenAPIHono itself would register it.
 */
export const createApiRouter = () => {
  const router = new OpenAPIHono<Env>({ defaultHook: validationHook });
  registerCommonComponents(router.openAPIRegistry);
  type Register = (route: RouteConfig, ...rest: unknown[]) => OpenAPIHono<Env>;
  const openapi = router.openapi as unknown as Register;
  const register: Register = (route, ...rest) => {
    if (route.request?.headers !== correlatorHeader) return openapi(route, ...rest);
    const { middleware: _middleware, hide, ...documented } = route;
    if (hide !== true) router.openAPIRegistry.registerPath(documented);
    const { headers: _headers, ...request } = route.request;
    return openapi({ ...route, request, hide: true }, ...rest);
  };
  router.openapi = register as unknown as typeof router.openapi;
  return router;
};
