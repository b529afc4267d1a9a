import type { Context } from 'hono';
import { OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { loggedApart } from '../../http/on-error.js';
import { StoreUnavailableError } from '../../store/port.js';
import { AMR } from '../amr.js';
import { issueCode } from './codes.js';
import type { PendingAuthorization } from './pending.js';

const MAX_ECHOED_STATE = 512;

/**
 * RFC 6749 §4.1.2: the authorization response, as query parameters of the client's (already
 * verified) redirect URI, with `iss` (RFC 9207, against mix-up) and the client's `state`.
 */
export function redirectToClient(
  c: Context<Env>,
  redirectUri: string,
  params: Record<string, string>,
  state: string | undefined,
): Response {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (state !== undefined && state.length <= MAX_ECHOED_STATE) url.searchParams.set('state', state);
  url.searchParams.set('iss', c.get('deps').config.publicUrl);
  return c.redirect(url.toString(), 302);
}

/** RFC 6749 §4.1.2.1 error redirect; internals never leave (fixed descriptions for outages and bugs). */
export function redirectError(
  c: Context<Env>,
  redirectUri: string,
  error: unknown,
  state: string | undefined,
): Response {
  let oauth: OAuthError;
  if (error instanceof OAuthError) {
    oauth = error;
  } else if (error instanceof StoreUnavailableError) {
    c.get('deps').metrics.storeFailed(error);
    loggedApart(c, error, c.get('correlator'));
    oauth = new OAuthError('temporarily_unavailable', 'service temporarily unavailable');
  } else {
    c.get('deps').logger.error('authorization failed', {
      correlator: c.get('correlator'),
      path: c.req.path,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    oauth = new OAuthError('server_error', 'unexpected error');
  }
  return redirectToClient(c, redirectUri, { error: oauth.error, error_description: oauth.message }, state);
}

/** The subscriber is identified and the legal basis holds: a code, back to the client. */
export async function redirectWithCode(
  c: Context<Env>,
  pending: Omit<PendingAuthorization, 'bindingHash'>,
): Promise<Response> {
  const code = await issueCode(c.get('deps'), {
    ...pending.request,
    subscriber: pending.subscriber,
    amr: [AMR.networkBased],
    authTime: pending.authTime,
  });
  return redirectToClient(c, pending.request.redirectUri, { code }, pending.request.state);
}
