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
  /**
   * False for an API whose calls do not pass the legal-basis step (DESIGN §2 step 7), such as
   * Consent Info: its store reads are then not prefetched with the rate-limit hit. Default true.
   */
  legalBasis?: boolean;
  /** Routes relative to basePath, documented through createRoute. */
  router: () => OpenAPIHono<Env>;
};
