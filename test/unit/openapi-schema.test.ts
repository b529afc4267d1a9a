import { describe, expect, it } from 'vitest';
import {
  camaraFacts,
  componentSchema,
  responseSchema,
  schemaErrors,
  toJsonSchema,
} from '../support/openapi-schema.js';

/** The response checker of the API tests must itself reject what the upstream schemas reject. */
describe('upstream schema checker', () => {
  const doc = camaraFacts('sim-swap');

  it('accepts the shapes of SimSwapInfo and CheckSimSwapInfo', () => {
    const info = componentSchema('SimSwapInfo');
    expect(schemaErrors(doc, info, { latestSimChange: '2023-07-03T14:27:08.312+02:00' })).toEqual([]);
    expect(schemaErrors(doc, info, { latestSimChange: null, monitoredPeriod: 120 })).toEqual([]);
    expect(schemaErrors(doc, componentSchema('CheckSimSwapInfo'), { swapped: false })).toEqual([]);
  });

  it.each([
    ['a missing required property', {}],
    ['a date-time without a time zone', { latestSimChange: '2023-07-03T14:27:08.312' }],
    ['a date-time with a space for the T', { latestSimChange: '2023-07-03 14:27:08Z' }],
    ['a time zone without its colon', { latestSimChange: '2023-07-03T14:27:08+0200' }],
    ['a date that is not a date-time', { latestSimChange: '2023-07-03' }],
    ['a fractional monitoredPeriod', { latestSimChange: null, monitoredPeriod: 1.5 }],
    ['a monitoredPeriod as a string', { latestSimChange: null, monitoredPeriod: '120' }],
    ['a number where a date-time or null is expected', { latestSimChange: 5 }],
    ['an undeclared property', { latestSimChange: null, swapped: true }],
  ])('rejects %s in SimSwapInfo', (_label, body) => {
    expect(schemaErrors(doc, componentSchema('SimSwapInfo'), body)).not.toEqual([]);
  });

  it('refuses a property the response schema does not declare, naming it', () => {
    expect(schemaErrors(doc, componentSchema('CheckSimSwapInfo'), { swapped: true, extra: 1 })).toEqual([
      '$.extra: not declared by the schema',
    ]);
  });

  it('refuses null where the schema is not nullable', () => {
    expect(schemaErrors(doc, componentSchema('CheckSimSwapInfo'), { swapped: null })).not.toEqual([]);
  });

  it('checks error bodies against the narrowed allOf of the response', () => {
    const schema = responseSchema(doc, '/check', 'post', 422);
    const ok = { status: 422, code: 'MISSING_IDENTIFIER', message: 'The device cannot be identified.' };
    expect(schemaErrors(doc, schema, ok)).toEqual([]);
    expect(schemaErrors(doc, schema, { ...ok, code: 'OUT_OF_RANGE' })).not.toEqual([]);
    expect(schemaErrors(doc, schema, { ...ok, status: 400 })).not.toEqual([]);
    // The union of the allOf parts' names is allowed, nothing beyond it.
    expect(schemaErrors(doc, schema, { ...ok, detail: 'x' })).toEqual([
      '$.detail: not declared by the schema',
    ]);
    expect(schemaErrors(doc, schema, { status: 422, code: 'MISSING_IDENTIFIER' })).toEqual([
      '$.message: required',
    ]);
  });

  it('translates OpenAPI 3.0 nullable and boolean exclusive bounds to JSON Schema', () => {
    const local = {};
    expect(toJsonSchema(local, { type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(toJsonSchema(local, { type: 'integer', minimum: 0, exclusiveMinimum: true })).toEqual({
      type: 'integer',
      exclusiveMinimum: 0,
    });
    const nullableObject = {
      nullable: true,
      allOf: [{ type: 'object', properties: { a: { type: 'string' } } }],
    };
    expect(schemaErrors(local, nullableObject, null)).toEqual([]);
    expect(schemaErrors(local, nullableObject, { a: 'x' })).toEqual([]);
    expect(schemaErrors(local, nullableObject, { a: 'x', b: 1 })).not.toEqual([]);
  });

  it('leaves an object open only where the schema says so', () => {
    const local = {};
    const open = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true };
    expect(schemaErrors(local, open, { a: 'x', b: 1 })).toEqual([]);
    const map = { type: 'object', additionalProperties: { type: 'integer' } };
    expect(schemaErrors(local, map, { b: 1 })).toEqual([]);
    expect(schemaErrors(local, map, { b: 'x' })).not.toEqual([]);
    expect(schemaErrors(local, { type: 'object' }, { b: 1 })).toEqual(['$.b: not declared by the schema']);
  });
});
