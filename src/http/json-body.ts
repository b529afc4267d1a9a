import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from './env.js';
import { requestHeader } from './request-header.js';

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads a request body once, for every route that takes JSON: 415 for another media type,
 * 413 beyond `maxBytes`, 400 for a missing, malformed or non-object body (Commonalities: the
 * body "MUST be a JSON object and MUST be required"). The parsed value is handed to the
 * route's zod validator through Hono's body cache.
 */
export async function readJsonBody(c: Context<Env>, maxBytes: number): Promise<void> {
  const declared = Number(requestHeader(c, 'content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError('CONTENT_TOO_LARGE');
  const type = requestHeader(c, 'content-type');
  const raw = await readBodyOnce(c, maxBytes);
  if (raw.length === 0 && type === undefined) {
    throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  }
  if (type === undefined || !JSON_TYPE.test(type.trim())) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
  if (raw.length === 0) throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  const parsed = parsedJson(c, raw);
  if (parsed === null) throw new ApiError('INVALID_ARGUMENT', 'Malformed JSON in request body.');
  const { value, text } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.');
  }
  // A handler that reads the body itself gets it through Hono's cache (c.req.json() parses
  // `text`); the API routes' validator takes the parsed value (apis/common/router.ts).
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
}

/** readJsonBody() as a middleware. */
export function jsonBody(maxBytes: number): MiddlewareHandler<Env> {
  return async (c, next) => {
    await readJsonBody(c, maxBytes);
    await next();
  };
}

/**
 * The body as JSON (strict UTF-8), parsed at most once per request: `null` when it is not JSON.
 * The legal-basis prefetch (consent/prefetch.ts) looks for its `phoneNumber`, jsonBody judges it,
 * the route validates it.
 */
export function parsedJson(c: Context<Env>, raw: Uint8Array): ParsedJson | null {
  let parsed = c.get('json');
  if (parsed === undefined) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      parsed = { text, value: JSON.parse(text) as unknown };
    } catch {
      parsed = null;
    }
    c.set('json', parsed);
  }
  return parsed;
}

export type ParsedJson = { text: string; value: unknown };

/**
 * The body's bytes, read at most once per request through the runtime (413 beyond `maxBytes`):
 * the legal-basis prefetch (consent/prefetch.ts) may read it before the rate limit, jsonBody
 * validates it after.
 */
export function readBodyOnce(c: Context<Env>, maxBytes: number): Promise<Uint8Array> {
  let raw = c.get('rawBody');
  if (raw === undefined) {
    raw = c.get('runtime').body(c, maxBytes);
    raw.catch(() => {}); // the reader that needs it awaits it; an early reader may not
    c.set('rawBody', raw);
  }
  return raw;
}
