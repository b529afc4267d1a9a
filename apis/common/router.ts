import { OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { Env } from '../../src/http/env.js';
import { jsonValue } from '../../src/http/json-body.js';
import { validationHook } from '../../src/http/validation-hook.js';
import { correlatorHeader, registerCommonComponents } from './schemas.js';

/** A router for one API: every validation failure goes through the CAMARA mapping. */
export const createApiRouter = (): OpenAPIHono<Env> => {
  const router = new OpenAPIHono<Env>({ defaultHook: validationHook });
  registerCommonComponents(router.openAPIRegistry);
  return router;
};

/**
 * Validates a route's JSON body with its zod schema, answering through the CAMARA mapping like
 * every validator (validation-hook.ts), from the value that the pipeline's body step read and
 * judged (pipeline/body.ts): the body is neither read nor parsed a second time.
 */
function jsonValidator(schema: ZodType): MiddlewareHandler<Env> {
  return async (c, next) => {
    const result = schema.safeParse(jsonValue(c));
    validationHook(result);
    c.req.addValidatedData('json', result.data as object);
    await next();
  };
}

/**
 * Adds a route to an API router, documented in its OpenAPI document exactly as `router.openapi`
 * documents it.
 *
 * A route whose only request header is x-correlator documents it but does not validate it again:
 * src/http/correlator.ts checks that header, with the same pattern, on every request before any
 * route runs (400 INVALID_ARGUMENT), so the route's validator could never refuse it, and running
 * it would copy every header of the request into an object for zod on each call. A required JSON
 * body is validated by jsonValidator from the pipeline's reading. Any other route is left to
 * `router.openapi` as it is.
 */
export function apiRoute<R extends RouteConfig>(
  router: OpenAPIHono<Env>,
  route: R,
  handler: RouteHandler<R, Env>,
): void {
  const { middleware, hide, ...documented } = route;
  const { headers, body, ...request } = route.request ?? {};
  const content = body?.content;
  const media = content?.['application/json'];
  const schema = media !== undefined && 'schema' in media ? media.schema : undefined;
  const ownHeaders = headers === undefined || headers === correlatorHeader;
  const ownBody =
    body === undefined ||
    (body.required === true &&
      Object.keys(content ?? {}).join() === 'application/json' &&
      typeof schema === 'object' &&
      '_zod' in schema);
  if (!ownHeaders || !ownBody) {
    router.openapi(route, handler as never);
    return;
  }
  if (hide !== true) router.openAPIRegistry.registerPath(documented);
  const own = body === undefined ? [] : [jsonValidator(schema as ZodType)];
  const before = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
  // Registered hidden (documented above) and without the validators this file replaces.
  router.openapi({ ...documented, request, hide: true, middleware: [...before, ...own] }, handler as never);
}
