import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from './env.js';
import { requestHeader } from './request-header.js';

/**
 * Commonalities §x-correlator, from the pattern string exactly as CAMARA_common.yaml writes it
 * (`\/` included): the OpenAPI `pattern` is generated from this source and compared with upstream.
 */
export const X_CORRELATOR_PATTERN = new RegExp(String.raw`^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$`);

/**
 * Echoes a valid inbound x-correlator on every response (errors included), generates a UUID when
 * none is sent, and answers 400 INVALID_ARGUMENT when the value breaks the pattern.
 */
export function correlate(c: Context<Env>): void {
  const inbound = requestHeader(c, 'x-correlator');
  if (inbound !== undefined && !X_CORRELATOR_PATTERN.test(inbound)) {
    c.set('correlator', crypto.randomUUID());
    throw new ApiError('INVALID_ARGUMENT', 'Invalid x-correlator header.');
  }
  const value = inbound !== undefined && inbound !== '' ? inbound : crypto.randomUUID();
  c.set('correlator', value);
  // Set before the route runs, so every response built through the context carries it; an error
  // answer sets it again (http/on-error.ts), including the UUID made above for a refused value.
  c.header('x-correlator', value);
}

/** correlate() as a middleware. */
export const correlator: MiddlewareHandler<Env> = async (c, next) => {
  correlate(c);
  await next();
};
