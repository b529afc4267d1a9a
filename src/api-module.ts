import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from './http/env.js';

/** One exposed CAMARA API: the unit of the product catalogue (apis/<name>/index.ts). */
export type ApiModule = {
  /** CAMARA api-name, also the scope prefix. */
  name: string;
  title: string;
  /** SemVer of the implemented release. */
  version: string;
  /** `/<api-name>/<url-version>`. */
  basePath: string;
  /** Every scope the API's operations accept. */
  scopes: readonly string[];
  /** Routes relative to basePath, documented through createRoute. */
  router: () => OpenAPIHono<Env>;
};
