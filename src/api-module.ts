import type { OpenAPIHono } from '@hono/zod-openapi';
import { CAMARA_ERRORS, type ErrorTable } from './errors.js';
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
  /**
   * The API-specific codes (`{{API_NAME}}.{{SPECIFIC_CODE}}`) its operations answer, with status
   * and message: declared here as a plain value, never registered by an import's side effect.
   */
  errors: ErrorTable;
  /** Routes relative to basePath, documented through createRoute. */
  router: () => OpenAPIHono<Env>;
};

/** Commonalities §3.1: an API-specific code is `{{API_NAME}}.{{SPECIFIC_CODE}}`. */
const API_SPECIFIC_CODE = /^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*$/;

/**
 * Every API-specific code of a catalogue with its status and message, from the modules' own
 * tables. A code that is not in the API-specific form, redefines a standard CAMARA code, or that
 * two modules declare differently is a composition error: createApp refuses to start.
 */
export function errorCatalogue(modules: readonly ApiModule[]): ErrorTable {
  const catalogue: Record<string, readonly [number, string]> = {};
  for (const module of modules) {
    for (const [code, entry] of Object.entries(module.errors)) {
      const before = catalogue[code];
      if (!API_SPECIFIC_CODE.test(code) || Object.hasOwn(CAMARA_ERRORS, code))
        throw new Error(`API module ${module.name}: ${code} is not an API-specific error code`);
      if (before !== undefined && (before[0] !== entry[0] || before[1] !== entry[1]))
        throw new Error(`API module ${module.name}: ${code} is declared differently by another module`);
      catalogue[code] = entry;
    }
  }
  return catalogue;
}
