import type { Hono } from 'hono';
import { expect } from 'vitest';
import type { Env } from '../../src/http/env.js';

export const CORRELATOR = 'b4333c46-49c0-4f62-80d7-f0ef930f1c46';

/** A GET as the CAMARA test plans send it (Authorization, x-correlator; no body). */
export function get(
  app: Hono<Env>,
  path: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'GET',
      headers: {
        'x-correlator': CORRELATOR,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
    }),
  );
}

/** The CAMARA error assertions of every plan: status, `$.status`, `$.code`, a message, the echo. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { status: number; code: string; message: string };
  expect({ httpStatus: res.status, status: body.status, code: body.code }).toEqual({
    httpStatus: status,
    status,
    code,
  });
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-correlator')).toBe(CORRELATOR);
  return body;
}
