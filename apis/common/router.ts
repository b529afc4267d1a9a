import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import { ApiError } from '../../src/errors.js';
import type { Env } from '../../src/http/env.js';
import { validationHook } from '../../src/http/validation-hook.js';
import { correlatorHeader, registerCommonComponents } from './schemas.js';
import { requestHeader } from '../../src/http/request-header.js';

type Register = (route: RouteConfig, ...rest: unknown[]) => OpenAPIHono<Env>;

/**
 * The media types that @hono/zod-openapi lets through to a JSON body validator (its own pattern):
 * http/json-body.ts has already refused anything but `application/json`, and this keeps the 415 of
 * the few spellings it accepts and this one does not (`application/json ;charset=utf-8`).
 */
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * Validates a route's JSON body with its zod schema, answering through the CAMARA mapping like
 * every validator (validation-hook.ts), from the value that http/json-body.ts parsed: app.ts runs
 * that reader before every API route that takes a body, so the body is neither parsed a second
 * time nor validated asynchronously. Behaves as the validators @hono/zod-openapi would install.
 */
function jsonValidator(schema: ZodType): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!JSON_REQUEST.test(requestHeader(c, 'content-type') ?? ''))
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    const parsed = c.get('json');
    if (parsed === undefined || parsed === null)
      throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
    const result = schema.safeParse(parsed.value);
    validationHook(result);
    c.req.addValidatedData('json', result.data as object);
    await next();
  };
}

/**
 * A router for one API: every validation failure goes through the CAMARA mapping.
 *
 * A route whose only request header is x-correlator documents it but does not validate it again:
 * src/http/correlator.ts checks that header, with the same pattern, on every request before any
 * route runs (400 INVALID_ARGUMENT), so the route's validator could never refuse it, and running
 * it would copy every header of the request into an object for zod on each call. A required JSON
 * body is validated by jsonValidator. The OpenAPI document is registered from the full route, as
 * OpenAPIHono itself would register it.
 */
export const createApiRouter = () => {
  const router = new OpenAPIHono<Env>({ defaultHook: validationHook });
  registerCommonComponents(router.openAPIRegistry);
  const openapi = router.openapi as unknown as Register;
  const register: Register = (route, ...rest) => {
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
    if (!ownHeaders || !ownBody) return openapi(route, ...rest);
    if (hide !== true) router.openAPIRegistry.registerPath(documented);
    const own = body === undefined ? [] : [jsonValidator(schema as ZodType)];
    const before = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
    return openapi({ ...documented, request, hide: true, middleware: [...before, ...own] }, ...rest);
  };
  router.openapi = register as unknown as typeof router.openapi;
  return router;
};
