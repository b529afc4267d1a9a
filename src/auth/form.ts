import type { Context } from 'hono';
import { OAuthError } from '../errors.js';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
export const MAX_FORM_BYTES = 16_384;
const MAX_PARAM_LENGTH = 8_192;

/**
 * Reads an OAuth request body (RFC 6749 §3.2: form-encoded, no parameter twice, bounded size).
 */
export async function readForm(c: Context): Promise<Map<string, string>> {
  const type = c.req.header('content-type');
  if (type === undefined || !FORM_TYPE.test(type)) {
    throw new OAuthError('invalid_request', 'content type must be application/x-www-form-urlencoded');
  }
  if (Number(c.req.header('content-length') ?? '0') > MAX_FORM_BYTES) {
    throw new OAuthError('invalid_request', 'request too large');
  }
  const text = await c.req.text();
  if (text.length > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 'request too large');
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) throw new OAuthError('invalid_request', `parameter ${name} repeated`);
    if (value.length > MAX_PARAM_LENGTH)
      throw new OAuthError('invalid_request', `parameter ${name} too long`);
    params.set(name, value);
  }
  return params;
}
