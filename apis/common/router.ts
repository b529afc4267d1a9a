import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from '../../src/http/env.js';
import { validationHook } from '../../src/http/validation-hook.js';
import { registerCommonComponents } from './schemas.js';

/** A router for one API: every validation failure goes through the CAMARA mapping. */
export const createApiRouter = () => {
  const router = new OpenAPIHono<Env>({ defaultHook: validationHook });
  registerCommonComponents(router.openAPIRegistry);
  return router;
};
