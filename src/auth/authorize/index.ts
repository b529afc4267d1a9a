import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../../deps.js';
import { OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { AMR } from '../amr.js';
import { clientAddress } from '../client-address.js';
import { sha256Hex } from '../token-cache.js';
import { issueCode } from './codes.js';
import { identifyClient, readAuthorizeParams } from './params.js';
import { bindingCookieName, savePending, takePending, type PendingAuthorization } from './pending.js';
import { effectiveParams, validateAuthorizeRequest } from './request.js';
import { redirectError, redirectToClient } from './respond.js';

const CONSENT_REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * GET|POST /oauth2/authorize: the authorization code flow with network-based authentication
 * (ICM §7.1, §7.8). The subscriber is the one whose device holds the connection's address; there
 * is no login page (prompt=none implied), so an unidentified device is access_denied. When consent
 * is needed and the client allows interaction, the browser goes to the consent page and comes
 * back to /oauth2/authorize/continue.
 */
export function authorizeEndpoint(catalogue: ReadonlyMap<string, string>) {
  return async (c: Context<Env>) => {
    const deps = c.get('deps');
    const clear = await readAuthorizeParams(c);
    const { app, redirectUri } = await identifyClient(deps, clear);
    let state = clear.has('request') ? undefined : clear.get('state');
    try {
      const params = await effectiveParams(deps, app, clear);
      state = params.get('state');
      const request = validateAuthorizeRequest(app, redirectUri, params, catalogue);
      const address = clientAddress(c, deps.config.trustedProxies);
      const subscriber = address === null ? null : await deps.network.resolveDevice(address);
      // Identifying the subscriber otherwise would need a login page, which this profile excludes.
      if (subscriber === null) {
        throw new OAuthError('access_denied', 'the device is not identified by the mobile network');
      }
      const pending = { request, subscriber, authTime: Math.floor(deps.clock.now() / 1000) };
      const query = { clientId: app.clientId, purpose: request.purpose, subscriber, scopes: request.scopes };
      const decision = await deps.consent.check(query);
      if (decision.allowed) return await issue(c, deps, pending);
      if (decision.reason !== 'consent_required') {
        throw new OAuthError('access_denied', 'access not allowed for this purpose');
      }
      // ICM §7.6: consent may be captured in-band, unless the client asked for no interaction.
      if (request.promptNone) throw new OAuthError('consent_required', 'the subscriber must consent');
      const ttl = deps.config.authorizeConsentTtlSeconds;
      const consent = await deps.consent.requestConsent({ ...query, source: 'authorize', ttlSeconds: ttl });
      const binding = await savePending(deps, consent.request.id, pending, ttl);
      setCookie(c, bindingCookieName(consent.request.id), binding, {
        path: '/oauth2/authorize',
        httpOnly: true,
        secure: deps.config.publicUrl.startsWith('https:'),
        sameSite: 'Lax',
        maxAge: ttl,
      });
      return c.redirect(consent.captureUrl, 302);
    } catch (error) {
      return redirectError(c, redirectUri, error, state);
    }
  };
}

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
    await identifyClient(
      deps,
      new Map([
        ['client_id', request.clientId],
        ['redirect_uri', request.redirectUri],
      ]),
    );
    const cookie = getCookie(c, bindingCookieName(id));
    deleteCookie(c, bindingCookieName(id), { path: '/oauth2/authorize' });
    try {
      if (cookie === undefined || (await sha256Hex(cookie)) !== pending.bindingHash) {
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
      if (consent.status === 'granted') return await issue(c, deps, pending);
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

async function issue(
  c: Context<Env>,
  deps: Deps,
  pending: Omit<PendingAuthorization, 'bindingHash'>,
): Promise<Response> {
  const code = await issueCode(deps, {
    ...pending.request,
    subscriber: pending.subscriber,
    amr: [AMR.networkBased],
    authTime: pending.authTime,
  });
  return redirectToClient(c, pending.request.redirectUri, { code }, pending.request.state);
}
