import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ApiError } from '../errors.js';
import { CODING_REFUSED, refusalHeaders, undecodedCoding } from './content-coding.js';
import type { Env } from './env.js';
import { duplicateName } from './json-duplicates.js';
import { requestHeader } from './request-header.js';
import { listKeys } from './validation-hook.js';

/**
 * `application/json`, optionally with `charset=utf-8` (Commonalities: UTF-8 only). No space before
 * the `;`: the spellings that @hono/zod-openapi's own validators let through, which the API routes
 * have always answered with.
 */
const JSON_TYPE = /^application\/json(;\s*charset="?utf-8"?\s*)?$/i;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Strict UTF-8, shared: `decode` without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Starts reading the body of a call that a route takes with this method (Hono's own match: a
 * wrong path or method is a 404 or 405 whatever its body, which is then never read). A body
 * declared beyond `maxBytes` is not read at all: checkJsonBody answers 413. False when the call
 * has no body to judge.
 */
export function startBodyRead(c: Context<Env>, maxBytes: number): boolean {
  const method = c.req.method;
  if (!BODY_METHODS.has(method) || !matchedRoutes(c).some((r) => r.method === method)) return false;
  if (Number(requestHeader(c, 'content-length') ?? '0') <= maxBytes) readBodyOnce(c, maxBytes);
  return true;
}

/**
 * Judges a JSON body, read once, for every route that takes JSON: 415 for another media type,
 * 413 beyond `maxBytes` (declared or counted while reading), 400 for a missing, malformed or
 * non-object body (Commonalities: the body "MUST be a JSON object and MUST be required"). The
 * parsed value is then `c.get('json')`, which the route's schema validates (apis/common/router.ts).
 */
export async function checkJsonBody(c: Context<Env>, maxBytes: number): Promise<void> {
  const declared = Number(requestHeader(c, 'content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError('CONTENT_TOO_LARGE');
  const type = requestHeader(c, 'content-type');
  const raw = await readBodyOnce(c, maxBytes);
  if (raw.length === 0 && type === undefined) {
    throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  }
  if (type === undefined || !JSON_TYPE.test(type)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
  const coding = undecodedCoding(c);
  if (coding !== undefined) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', CODING_REFUSED[coding], refusalHeaders(coding));
  }
  if (raw.length === 0) throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  const parsed = parsedJson(c, raw);
  if (parsed === null) throw new ApiError('INVALID_ARGUMENT', 'Malformed JSON in request body.');
  const { value } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError('INVALID_ARGUMENT', 'The request body must be a JSON object.');
  }
  const duplicate = duplicateName(parsed.text);
  if (duplicate !== undefined) {
    throw new ApiError('INVALID_ARGUMENT', `Duplicate property: ${listKeys([duplicate])}.`);
  }
}

/** checkJsonBody() as a middleware (the operator API). */
export function jsonBody(maxBytes: number): MiddlewareHandler<Env> {
  return async (c, next) => {
    await checkJsonBody(c, maxBytes);
    await next();
  };
}

/** The body that checkJsonBody accepted: a JSON object. */
export function jsonValue(c: Context<Env>): unknown {
  const parsed = c.get('json');
  if (parsed === undefined || parsed === null)
    throw new ApiError('INVALID_ARGUMENT', 'A JSON request body is required.');
  return parsed.value;
}

/**
 * The body as JSON (strict UTF-8), parsed at most once per request: `null` when it is not JSON.
 * The legal-basis reads (consent/prefetch.ts) look for its `phoneNumber`, checkJsonBody judges
 * it, the route validates it.
 */
export function parsedJson(c: Context<Env>, raw: Uint8Array): ParsedJson | null {
  let parsed = c.get('json');
  if (parsed === undefined) {
    try {
      const text = UTF8.decode(raw);
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
 * The body's bytes, read at most once per request through the runtime (413 beyond `maxBytes`,
 * counted while reading): started by the body step, awaited by whoever needs it first.
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
