import type { Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { sha256Hex } from '../../hash.js';
import { identifyClient } from './params.js';
import { bindingCookieName, takePending } from './pending.js';
import { redirectError, redirectWithCode } from './respond.js';

const CONSENT_REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * GET /oauth2/authorize/continue?consent_request=<id>: the consent page sends the browser back
 * here. Granted → a code; denied, unanswered or expired → access_denied. Only the browser that
 * left for the consent page (its binding cookie) can continue, and only once.
 */
export function continueEndpoint() {
  return async (c: Context<Env>) => {
    const deps = c.get('deps');
    const id = c.req.query('consent_request');
    if (id === undefined || !CONSENT_REQUEST_ID.test(id)) {
      throw new OAuthError('invalid_request', 'consent_request is required');
    }
    const pending = await takePending(deps, id);
    if (pending === null) throw new OAuthError('invalid_request', 'unknown or expired authorization request');
    const { request } = pending;
    // The client may have been suspended or its redirect URI withdrawn in the meantime.
    await identifyClient(deps, request.clientId, request.redirectUri);
    const cookie = getCookie(c, bindingCookieName(id));
    deleteCookie(c, bindingCookieName(id), { path: '/oauth2/authorize' });
    try {
      if (cookie === undefined || sha256Hex(cookie) !== pending.bindingHash) {
        throw new OAuthError('access_denied', 'the authorization was started in another browser');
      }
      const consent = await deps.consent.getRequest(id);
      if (
        consent === null ||
        consent.clientId !== request.clientId ||
        consent.subscriber !== pending.subscriber
      ) {
        throw new OAuthError('access_denied', 'the consent request expired');
      }
      if (consent.status === 'granted') return await redirectWithCode(c, pending);
      throw new OAuthError('access_denied', CONSENT_OUTCOME[consent.status]);
    } catch (error) {
      return redirectError(c, request.redirectUri, error, request.state);
    }
  };
}

const CONSENT_OUTCOME = {
  denied: 'the subscriber refused',
  pending: 'the subscriber did not answer',
  expired: 'the consent request expired',
} as const;
