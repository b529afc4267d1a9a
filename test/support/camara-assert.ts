import { expect } from 'vitest';
import { CAMARA_ERRORS, type CamaraCode } from '../../src/errors.js';
import { componentSchema, responseSchema, schemaErrors, type OpenApiDocument } from './openapi-schema.js';

/** The x-correlator that post() sends (test/support/app.ts). */
export const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The operation a response belongs to, to check it against its documented schema. */
export type Operation = { doc: OpenApiDocument; path: string; method: string };

type Expected = {
  status: number;
  code: string;
  /** Exact text when the platform's message is fixed; otherwise any non-empty text. */
  message?: string | RegExp;
  /** The x-correlator the request sent; `generated`: none was sent (or a bad one), expect a UUID. */
  correlator?: string | 'generated';
};

function expectCorrelator(res: Response, correlator: string | 'generated' = CORRELATOR): void {
  const value = res.headers.get('x-correlator');
  if (correlator === 'generated') expect(value).toMatch(UUID);
  else expect(value).toBe(correlator);
}

function expectJson(res: Response): void {
  expect(res.headers.get('content-type')?.split(';')[0]?.trim()).toBe('application/json');
}

/**
 * A CAMARA error: exact HTTP status, body exactly `{status, code, message}` (message a non-empty
 * string), JSON, x-correlator echoed; documented statuses also match the operation's schema.
 */
export async function expectError(res: Response, expected: Expected, op?: Operation) {
  const body = (await res.json()) as Record<string, unknown>;
  expect({ httpStatus: res.status, ...body }).toMatchObject({
    httpStatus: expected.status,
    status: expected.status,
    code: expected.code,
  });
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'status']);
  expect(typeof body.message).toBe('string');
  expect((body.message as string).length).toBeGreaterThan(0);
  if (typeof expected.message === 'string') expect(body.message).toBe(expected.message);
  else if (expected.message instanceof RegExp) expect(body.message).toMatch(expected.message);
  expectJson(res);
  expectCorrelator(res, expected.correlator);
  if (op !== undefined) {
    const documented = (op.doc.paths as Record<string, Record<string, { responses: object }>>)[op.path]?.[
      op.method
    ]?.responses;
    const schema =
      documented !== undefined && String(expected.status) in documented
        ? responseSchema(op.doc, op.path, op.method, expected.status)
        : componentSchema('ErrorInfo');
    expect(schemaErrors(op.doc, schema, body)).toEqual([]);
  }
  return body as { status: number; code: string; message: string };
}

/** A standard CAMARA error with the platform's catalogue message for that code. */
export function standard(code: CamaraCode, correlator?: string | 'generated'): Expected {
  const [status, message] = CAMARA_ERRORS[code];
  return { status, code, message, ...(correlator === undefined ? {} : { correlator }) };
}

/** The CAMARA "common success" assertions: 200, JSON, x-correlator echoed, schema-valid body. */
export async function expectSuccess<T>(res: Response, op: Operation, correlator?: string): Promise<T> {
  const body = (await res.json()) as T;
  expect({ httpStatus: res.status, body }).toMatchObject({ httpStatus: 200 });
  expectJson(res);
  expectCorrelator(res, correlator);
  expect(schemaErrors(op.doc, responseSchema(op.doc, op.path, op.method, 200), body)).toEqual([]);
  return body;
}
