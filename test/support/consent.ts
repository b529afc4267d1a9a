import { createHash } from 'node:crypto';
import { base64url } from 'jose';
import type { Hono } from 'hono';
import type { Env } from '../../src/http/env.js';

/** A published test key for the operator API and the env that enables it. */
export const OPERATOR_KEY = 'operator-test-key-0123456789abcdef';
export const OPERATOR_ENV = {
  OPERATOR_API_KEYS: `sha256:${createHash('sha256').update(OPERATOR_KEY).digest('hex')}`,
  PSEUDONYM_KEYS: `k1:${base64url.encode(new Uint8Array(32).fill(7))}`,
};

/** A JSON POST to the operator API. */
export function operatorPost(
  app: Hono<Env>,
  path: string,
  body: unknown,
  key = OPERATOR_KEY,
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
  );
}

/** The subscriber's link the sandbox channel "sent" for a request. */
export async function linkOf(app: Hono<Env>, requestId: string): Promise<string> {
  const res = await app.request(`/sandbox/consent-notifications?requestId=${requestId}`);
  const body = (await res.json()) as { notifications: { url: string }[] };
  const url = body.notifications[0]?.url;
  if (url === undefined) throw new Error(`no notification for ${requestId}`);
  return url;
}
