import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareOpenApi } from '../support/openapi-compare.js';
import { findUpstreamOpenApiDir, generatedDocument, loadYaml } from '../support/openapi.js';

const API = 'sim-swap';
const upstreamDir = findUpstreamOpenApiDir();

describe(`${API}.yaml against the upstream CAMARA file`, () => {
  if (upstreamDir === undefined) {
    // Only a checkout without the shared reference folder gets here; a missing file inside it fails.
    console.warn(`skipped: no shared/camara/openapi folder above the repository for ${API}.yaml`);
    it.skip(`upstream ${API}.yaml: no shared/camara/openapi folder above the repository`, () => {});
    return;
  }
  it('documents the same operations, security, x-correlator, bodies, statuses and error codes', () => {
    const upstream = loadYaml(join(upstreamDir, `${API}.yaml`));
    expect(compareOpenApi(generatedDocument(API), upstream)).toEqual([]);
  });
});
