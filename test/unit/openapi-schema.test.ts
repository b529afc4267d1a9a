import { describe, expect, it } from 'vitest';
import { componentSchema, responseSchema, schemaErrors, upstreamSpec } from '../support/openapi-schema.js';

/** The response checker of the API tests must itself reject what the upstream schemas reject. */
describe('upstream schema checker', () => {
  const doc = upstreamSpec('sim-swap.yaml');

  it('accepts the shapes of SimSwapInfo and CheckSimSwapInfo', () => {
    const info = componentSchema('SimSwapInfo');
    expect(schemaErrors(doc, info, { latestSimChange: '2023-07-03T14:27:08.312+02:00' })).toEqual([]);
    expect(schemaErrors(doc, info, { latestSimChange: null, monitoredPeriod: 120 })).toEqual([]);
    expect(schemaErrors(doc, componentSchema('CheckSimSwapInfo'), { swapped: false })).toEqual([]);
  });

  it.each([
    ['a missing required property', {}],
    ['a date-time without a time zone', { latestSimChange: '2023-07-03T14:27:08.312' }],
    ['a date that is not a date-time', { latestSimChange: '2023-07-03' }],
    ['a fractional monitoredPeriod', { latestSimChange: null, monitoredPeriod: 1.5 }],
    ['an undeclared property', { latestSimChange: null, swapped: true }],
  ])('rejects %s in SimSwapInfo', (_label, body) => {
    expect(schemaErrors(doc, componentSchema('SimSwapInfo'), body)).not.toEqual([]);
  });

  it('checks error bodies against the narrowed allOf of the response', () => {
    const schema = responseSchema(doc, '/check', 'post', 422);
    const ok = { status: 422, code: 'MISSING_IDENTIFIER', message: 'The device cannot be identified.' };
    expect(schemaErrors(doc, schema, ok)).toEqual([]);
    expect(schemaErrors(doc, schema, { ...ok, code: 'OUT_OF_RANGE' })).not.toEqual([]);
    expect(schemaErrors(doc, schema, { ...ok, status: 400 })).not.toEqual([]);
    expect(schemaErrors(doc, schema, { ...ok, detail: 'x' })).toEqual([
      '$.detail: not declared by the schema',
    ]);
    expect(schemaErrors(doc, schema, { status: 422, code: 'MISSING_IDENTIFIER' })).toEqual([
      '$.message: required',
    ]);
  });
});
