import { describe, expect, it } from 'vitest';
import { compareOpenApi } from '../support/openapi-compare.js';
import { generatedDocument } from '../support/openapi.js';
import { camaraFacts } from '../support/openapi-schema.js';

// The upstream side is the committed facts (test/fixtures/camara); camara-facts.test.ts keeps them
// in step with the upstream files.
describe.each(['sim-swap', 'kyc-match', 'number-verification'] as const)(
  '%s.yaml against the upstream CAMARA facts',
  (api) => {
    it('documents the same operations, security, x-correlator, bodies, statuses and error codes', () => {
      expect(compareOpenApi(generatedDocument(api), camaraFacts(api))).toEqual([]);
    });
  },
);
