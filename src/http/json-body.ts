import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from './env.js';

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads a request body once, for every route that takes JSON: 415 for another media type,
 * 413 beyond `maxBytes`, 400 for a missing, malformed or non-object body (Commonalities: the
 * body "MUST be a JSON object and MUST be required"). The parsed value is handed to the
 * route's zod validator through Hono's body cache.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler<Env> {
  return async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes) throw new ApiError('CONTENT_TOO_LARGE');
    const type = c.req.header('content-type');
    const raw = await readLimited(c.req.raw, maxBytes);
    if (raw.length === 0 && type === undefined) {
      throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
    }
    if (type === undefined || !JSON_TYPE.test(type.trim())) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
    if (raw.length === 0) throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
    let value: unknown;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      value = JSON.parse(text);
    } catch {
      throw new ApiError('INVALID_ARGUMENT', 'Malformed JSON in request body.');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.');
    }
    // The route validator reads the body through Hono's cache (c.req.json() parses `text`).
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}

async function readLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (req.body === null) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new ApiError('CONTENT_TOO_LARGE');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
