import { describe, expect, it } from 'vitest';
import { compareOpenApi } from '../support/openapi-compare.js';
import { deref, generatedDocument, shapeOf, type Json } from '../support/openapi.js';

/** The comparison used against upstream must see every kind of difference it claims to check. */

const base = generatedDocument('sim-swap');
type Doc = { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

function mutated(change: (doc: Doc) => void): string[] {
  const copy = structuredClone(base) as unknown as Doc;
  change(copy);
  return compareOpenApi(copy as unknown as Json, base);
}

const check = (doc: Doc) => doc.paths['/check']?.post as Json & { responses: Record<string, Json> };
const errorSchema = (doc: Doc, status: string) => {
  const content = check(doc).responses[status]?.content as Record<string, { schema: { allOf: Json[] } }>;
  return content['application/json']?.schema.allOf[1] as { properties: { code: { enum: string[] } } };
};

describe('compareOpenApi', () => {
  it('finds no difference between a document and itself', () => {
    expect(compareOpenApi(base, base)).toEqual([]);
  });

  it('sees a missing operation, a changed operationId and a changed scope', () => {
    expect(mutated((d) => delete d.paths['/retrieve-date'])).toEqual([
      'operations: generated ["POST /check"] ≠ upstream ["POST /check","POST /retrieve-date"]',
    ]);
    expect(mutated((d) => (check(d).operationId = 'check'))).toEqual([
      'POST /check operationId: generated "check" ≠ upstream "checkSimSwap"',
    ]);
    expect(mutated((d) => (check(d).security = [{ openId: ['sim-swap:check'] }]))).toEqual([
      'POST /check security: generated ["openId:sim-swap:check"] ≠ upstream ["openId:sim-swap","openId:sim-swap:check"]',
    ]);
  });

  it('sees a missing error code and a missing status', () => {
    expect(mutated((d) => (errorSchema(d, '400').properties.code.enum = ['INVALID_ARGUMENT']))).toContain(
      'POST /check 400 error codes: generated ["INVALID_ARGUMENT"] ≠ upstream ["INVALID_ARGUMENT","OUT_OF_RANGE"]',
    );
    expect(mutated((d) => delete check(d).responses['429'])).toEqual([
      'POST /check responses: generated ["200","400","401","403","404","422"] ≠ upstream ["200","400","401","403","404","422","429"]',
    ]);
  });

  it('sees the x-correlator header or parameter missing or with another pattern', () => {
    expect(mutated((d) => delete check(d).responses['404']?.headers)).toEqual([
      'POST /check 404 headers: generated [] ≠ upstream ["x-correlator"]',
    ]);
    expect(mutated((d) => (check(d).parameters = []))).toEqual([
      'POST /check parameters: generated [] ≠ upstream ["header:x-correlator"]',
    ]);
    const differences = mutated((d) => (d.components.schemas.XCorrelator!.pattern = '^.*$'));
    expect(differences).toContain(
      'POST /check parameter header:x-correlator pattern: generated "^.*$" ≠ upstream "^[a-zA-Z0-9-_:;.\\\\/<>{}]{0,256}$"',
    );
    expect(differences).toContain(
      'POST /retrieve-date 200 header x-correlator pattern: generated "^.*$" ≠ upstream "^[a-zA-Z0-9-_:;.\\\\/<>{}]{0,256}$"',
    );
  });

  it('sees body schema changes: type, format, bounds, nullable, required, properties', () => {
    const schemas = (d: Doc) =>
      d.components.schemas as Record<string, { properties: Record<string, Json>; required?: string[] }>;
    const maxAge = (d: Doc) => schemas(d).CreateCheckSimSwap!.properties.maxAge!;
    expect(mutated((d) => (maxAge(d).type = 'number'))).toEqual([
      'POST /check requestBody application/json schema.maxAge type: generated "number" ≠ upstream "integer"',
    ]);
    expect(mutated((d) => delete maxAge(d).format)).toEqual([
      'POST /check requestBody application/json schema.maxAge format: generated (none) ≠ upstream "int32"',
    ]);
    expect(mutated((d) => (maxAge(d).maximum = 4800))).toEqual([
      'POST /check requestBody application/json schema.maxAge maximum: generated 4800 ≠ upstream 2400',
    ]);
    expect(mutated((d) => delete schemas(d).SimSwapInfo!.properties.latestSimChange!.nullable)).toEqual([
      'POST /retrieve-date 200 application/json schema.latestSimChange nullable: generated false ≠ upstream true',
    ]);
    expect(mutated((d) => (schemas(d).CheckSimSwapInfo!.required = []))).toEqual([
      'POST /check 200 application/json schema required: generated [] ≠ upstream ["swapped"]',
    ]);
    expect(mutated((d) => (schemas(d).CreateSimSwapDate!.properties.extra = { type: 'string' }))).toEqual([
      'POST /retrieve-date requestBody application/json schema properties: generated ["extra","phoneNumber"] ≠ upstream ["phoneNumber"]',
    ]);
  });
});

describe('schema normalisation', () => {
  it('merges allOf: ErrorInfo narrowed by status and code', () => {
    const response = deref(base, check(base as unknown as Doc).responses['422']);
    const media = (response.content as Record<string, Json>)['application/json'];
    expect(shapeOf(base, media?.schema)).toEqual({
      type: 'object',
      nullable: false,
      required: ['code', 'message', 'status'],
      properties: {
        status: { type: 'integer', nullable: false, enum: [422] },
        code: {
          type: 'string',
          nullable: false,
          enum: ['MISSING_IDENTIFIER', 'SERVICE_NOT_APPLICABLE', 'UNNECESSARY_IDENTIFIER'],
        },
        message: { type: 'string', nullable: false },
      },
    });
  });

  it('refuses a dangling $ref', () => {
    expect(() => deref(base, { $ref: '#/components/schemas/Nope' })).toThrow(
      'dangling $ref #/components/schemas/Nope',
    );
  });
});
