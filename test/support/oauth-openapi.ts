import { expect } from 'vitest';
import type { z } from 'zod';
import { authServerDocument } from '../../src/auth/index.js';
import { deref, shapeOf, type Json, type Shape } from './openapi.js';

/** Reading openapi/authorization-server.yaml (as generated) in the conformance tests. */

export const PUBLIC_URL = 'http://gateway.test';
export const doc = authServerDocument(PUBLIC_URL);

export type Method = 'get' | 'post';

export function operation(path: string, method: Method): Json {
  const item = (doc.paths as Record<string, Record<string, Json>>)[path];
  const op = item?.[method];
  if (op === undefined) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  return deref(doc, op);
}

function responses(path: string, method: Method): Record<string, Json> {
  return operation(path, method).responses as Record<string, Json>;
}

/** code → { status, header names } of the documented JSON error responses of an operation. */
export function documentedErrors(
  path: string,
  method: Method,
): Map<string, { status: number; headers: string[] }> {
  const out = new Map<string, { status: number; headers: string[] }>();
  for (const [status, raw] of Object.entries(responses(path, method))) {
    if (Number(status) < 400) continue;
    const response = deref(doc, raw);
    const media = (response.content as Record<string, Json>)['application/json'];
    const headers = Object.keys(response.headers as Json).map((h) => h.toLowerCase());
    for (const code of shapeOf(doc, media?.schema).properties?.error?.enum ?? []) {
      expect(out.has(String(code)), `${code} documented under two statuses`).toBe(false);
      out.set(String(code), { status: Number(status), headers });
    }
  }
  return out;
}

/** The query-parameter shapes of the documented 302 redirects of an operation (x-redirect-query). */
export function redirectShapes(path: string, method: Method): Shape[] {
  const response = deref(doc, responses(path, method)['302']);
  const query = response['x-redirect-query'] as { oneOf: Json[] };
  return query.oneOf.map((s) => shapeOf(doc, s));
}

/** The error codes a redirect of an operation may carry. */
export function redirectErrors(path: string, method: Method): string[] {
  return redirectShapes(path, method).flatMap((s) => (s.properties?.error?.enum ?? []).map(String));
}

/** Only documented properties, each valid, every required one present. */
export function expectDocumented(schema: z.ZodObject, body: unknown): void {
  expect(schema.strict().safeParse(body).error?.issues ?? []).toEqual([]);
}

/** An error answer as documented: its status for this code, the body, the headers. Returns the code. */
export async function expectDocumentedError(
  path: string,
  method: Method,
  res: Response,
  code: string,
): Promise<string> {
  const documented = documentedErrors(path, method).get(code);
  expect(documented, `${code} is documented for ${method} ${path}`).toBeDefined();
  expect(res.status, code).toBe(documented?.status);
  const body = (await res.json()) as Json;
  expect(Object.keys(body).sort(), code).toEqual(['error', 'error_description']);
  expect(body.error, code).toBe(code);
  expect(JSON.stringify(body)).not.toContain('internal detail');
  for (const header of documented?.headers ?? []) {
    expect(res.headers.get(header), `${code} ${header}`).not.toBeNull();
  }
  return code;
}

/**
 * A 302 as documented: Location and the other required headers present, and its query one of the
 * documented shapes exactly (no other parameter, every required one, the error in its enum).
 */
export function expectDocumentedRedirect(path: string, method: Method, res: Response): URLSearchParams {
  expect(res.status).toBe(302);
  const response = deref(doc, responses(path, method)['302']);
  for (const [name, header] of Object.entries(response.headers as Record<string, Json>)) {
    if ((header as Json).required === true || name === 'x-correlator') {
      expect(res.headers.get(name), name).not.toBeNull();
    }
  }
  const query = new URL(res.headers.get('location') as string).searchParams;
  const names = [...query.keys()].sort();
  const fits = (shape: Shape) =>
    names.every((n) => n in (shape.properties ?? {})) &&
    (shape.required ?? []).every((r) => query.has(r)) &&
    Object.entries(shape.properties ?? {}).every(
      ([n, p]) => !query.has(n) || p.enum === undefined || p.enum.includes(query.get(n)),
    );
  expect(
    redirectShapes(path, method).some(fits),
    `redirect query ${names.join(',')} fits no documented shape`,
  ).toBe(true);
  return query;
}
