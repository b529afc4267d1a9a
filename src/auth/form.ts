import type { Context, MiddlewareHandler } from 'hono';
import { ApiError, OAuthError } from '../errors.js';
import { refusalHeaders, undecodedCoding } from '../http/content-coding.js';
import type { Env } from '../http/env.js';
import { readBodyOnce } from '../http/json-body.js';
import { requestHeader } from '../http/request-header.js';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;.*)?$/i;
export const MAX_FORM_BYTES = 16_384;
const MAX_PARAM_LENGTH = 8_192;

const tooLarge = () => new OAuthError('invalid_request', 'request too large');

/**
 * The bound of every `/oauth2/*` body: a declared length past MAX_FORM_BYTES is refused without
 * reading, a body without one (chunked) is read at once and counted while read. The body is
 * read through the runtime (runtime/), once per request: on Node without building a WHATWG
 * Request, its AbortController and a body stream for every token request (bench/README.md).
 */
export const formBodyLimit: MiddlewareHandler<Env> = async (c, next) => {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return next();
  const length = requestHeader(c, 'content-length');
  if (length !== undefined && requestHeader(c, 'transfer-encoding') === undefined) {
    if (parseInt(length, 10) > MAX_FORM_BYTES) throw tooLarge();
    return next();
  }
  await formBytes(c);
  return next();
};

/** The body's bytes, read once, at most MAX_FORM_BYTES (else invalid_request, as formBodyLimit). */
export async function formBytes(c: Context<Env>): Promise<Uint8Array> {
  try {
    return await readBodyOnce(c, MAX_FORM_BYTES);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'CONTENT_TOO_LARGE') throw tooLarge();
    throw error;
  }
}

/**
 * Reads an OAuth request body (RFC 6749 §3.2: form-encoded, no parameter twice, bounded size),
 * once per request: the endpoint limits read the client it names, the endpoint the rest. A
 * malformed form is the same refusal to every reader.
 */
export function readForm(c: Context<Env>): Promise<Map<string, string>> {
  let form = c.get('form');
  if (form === undefined) {
    form = parseForm(c);
    form.catch(() => {}); // each reader awaits it and answers its refusal
    c.set('form', form);
  }
  return form;
}

async function parseForm(c: Context<Env>): Promise<Map<string, string>> {
  const type = requestHeader(c, 'content-type');
  if (type === undefined || !FORM_TYPE.test(type)) {
    throw new OAuthError('invalid_request', 'content type must be application/x-www-form-urlencoded');
  }
  const coding = undecodedCoding(c);
  if (coding !== undefined) {
    throw new OAuthError('invalid_request', `${coding} coding not supported`, refusalHeaders(coding));
  }
  if (Number(requestHeader(c, 'content-length') ?? '0') > MAX_FORM_BYTES) {
    throw new OAuthError('invalid_request', 'request too large');
  }
  const text = new TextDecoder().decode(await formBytes(c));
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
