import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { RegistryLostError } from '../admin/applications.js';
import { ApiError, OAuthError } from '../errors.js';
import { StoreUnavailableError } from '../store/port.js';
import type { Env } from './env.js';
import { X_CORRELATOR_PATTERN } from './correlator.js';
import { HtmlPageError } from './html-page.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * The one place that writes error bodies. CAMARA APIs get ErrorInfo `{status, code, message}`,
 * the authorization server RFC 6749 §5.2 `{error, error_description}`. Nothing internal (stack,
 * driver message) ever leaves: unknown errors are logged with the correlator and answered 500.
 */
export const onError: ErrorHandler<Env> = (err, c) => {
  const correlator = c.get('correlator') ?? crypto.randomUUID();
  c.header('x-correlator', correlator);
  if (err instanceof HtmlPageError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.html(err.html, err.status);
  }
  const oauth = err instanceof OAuthError || c.req.path.startsWith('/oauth2/');
  const failure = oauth ? toOAuthError(err) : toApiError(err);
  c.get('deps')?.metrics.failed(err, { status: failure.status, code: codeOf(failure) });
  if (failure.status >= 500 && !loggedApart(c, err, correlator)) {
    c.get('deps')?.logger.error('request failed', {
      correlator,
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
  }
  for (const [name, value] of Object.entries(failure.headers)) c.header(name, value);
  // Every 503 says when to come back (RFC 9110 §10.2.3), whichever layer refused: a client that
  // is told nothing retries at once, or never.
  if (failure.status === 503 && !hasHeader(failure.headers, 'retry-after'))
    c.header('Retry-After', String(retryAfterOf(err)));
  return respond(c, failure);
};

/**
 * True when the failure has a log of its own instead of one line per call: a lost registry its
 * alert, once a minute (admin/applications.ts; the store answers, so it is no outage), a store
 * that cannot be reached the outage log (one line when the outage begins, a summary while it
 * lasts), which this call is counted in.
 */
export function loggedApart(c: Context<Env>, err: unknown, correlator: string): boolean {
  if (err instanceof RegistryLostError) return true;
  if (!(err instanceof StoreUnavailableError)) return false;
  const outage = c.get('deps')?.storeOutage;
  if (outage === undefined) return false;
  outage.refused(err, { correlator, method: c.req.method, path: c.req.path });
  return true;
}

const hasHeader = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((h) => h.toLowerCase() === name);

const retryAfterOf = (err: unknown): number =>
  err instanceof StoreUnavailableError ? err.retryAfterSeconds : 1;

const codeOf = (failure: ApiError | OAuthError) =>
  failure instanceof OAuthError ? failure.error : failure.code;

function respond(c: Context<Env>, failure: ApiError | OAuthError): Response {
  return c.json(failure.toBody(), failure.status as 400);
}

/** The authorization server's endpoints answer in RFC 6749 §5.2 form, whatever went wrong. */
function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof StoreUnavailableError)
    return new OAuthError('temporarily_unavailable', 'service temporarily unavailable');
  const api = err instanceof ApiError || err instanceof HTTPException ? toApiError(err) : undefined;
  if (api !== undefined && api.status < 500)
    return new OAuthError('invalid_request', api.message, api.headers, api.status);
  return new OAuthError('server_error', 'internal error');
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError)
    return new ApiError('UNAVAILABLE', 'Service temporarily unavailable.');
  if (err instanceof HTTPException) {
    // Hono's own refusals (malformed JSON, wrong content type in a validator, body limit).
    if (err.status === 413) return new ApiError('CONTENT_TOO_LARGE');
    if (err.status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE');
    if (err.status === 400) return new ApiError('INVALID_ARGUMENT', 'Malformed request body.');
    if (err.status === 401) return new ApiError('UNAUTHENTICATED');
  }
  return new ApiError('INTERNAL');
}

/**
 * Why an entry could not build the platform, and when to try again: its configuration (a Worker
 * missing its secrets in production: an operator fixes it) or its store (a wrong password, a
 * certificate refused, Redis down: the next request builds again).
 */
const UNBUILT = {
  configuration: {
    message: 'The service is not available: its configuration is incomplete or invalid.',
    retryAfterS: 300,
  },
  store: { message: 'Service temporarily unavailable.', retryAfterS: 1 },
} as const;

/**
 * The answer of an entry that cannot build the platform: every request, whatever its path, gets
 * this CAMARA 503, with the security headers and its x-correlator echoed when valid (a new one
 * otherwise). The cause goes to the operator's log only, never to a caller.
 */
export function unbuiltResponse(request: Request, cause: keyof typeof UNBUILT): Response {
  const { message, retryAfterS } = UNBUILT[cause];
  const error = new ApiError('UNAVAILABLE', message);
  const inbound = request.headers.get('x-correlator');
  const correlator =
    inbound !== null && inbound !== '' && X_CORRELATOR_PATTERN.test(inbound) ? inbound : crypto.randomUUID();
  return Response.json(error.toBody(), {
    status: error.status,
    headers: {
      ...SECURITY_HEADERS,
      'retry-after': String(retryAfterS),
      'cache-control': 'no-store',
      'x-correlator': correlator,
    },
  });
}

/** An answer written by hand to a connection that has no request object (the Node entry's parser). */
export type UnparsedRequestAnswer = { status: number; headers: Record<string, string>; body: string };

/**
 * The answer to a request the HTTP parser refused before any route saw it (src/node-server.ts):
 * a malformed request line or header, a framing it will not guess (Content-Length beside
 * Transfer-Encoding, two lengths, obs-fold, a bare LF), an unknown method; `tooLarge` for chunk
 * extensions past the parser's bound. A CAMARA error like any other refusal, with the security
 * headers; no header was read, so its x-correlator is a new one, as for a call that sent none.
 */
export function unparsedRequestAnswer(tooLarge: boolean): UnparsedRequestAnswer {
  const error = tooLarge
    ? new ApiError('CONTENT_TOO_LARGE')
    : new ApiError('INVALID_ARGUMENT', 'Malformed HTTP request.');
  return {
    status: error.status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json', 'x-correlator': crypto.randomUUID() },
    body: JSON.stringify(error.toBody()),
  };
}
