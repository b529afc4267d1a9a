import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { deviceAddress } from '../client-address.js';
import { identifyClient, readAuthorizeParams } from './params.js';
import { bindingCookieName, savePending } from './pending.js';
import { effectiveParams, validateAuthorizeRequest } from './request.js';
import { redirectError, redirectWithCode } from './respond.js';

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
    const { app, redirectUri } = await identifyClient(
      deps,
      clear.get('client_id'),
      clear.get('redirect_uri'),
    );
    let state = clear.has('request') ? undefined : clear.get('state');
    try {
      const params = await effectiveParams(deps, app, clear);
      state = params.get('state');
      const request = validateAuthorizeRequest(app, redirectUri, params, catalogue);
      const address = deviceAddress(c, deps.config.edge);
      const subscriber = address === null ? null : await deps.network.resolveDevice(address);
      // Identifying the subscriber otherwise would need a login page, which this profile excludes.
      if (subscriber === null) {
        throw new OAuthError('access_denied', 'the device is not identified by the mobile network');
      }
      const pending = { request, subscriber, authTime: Math.floor(deps.clock.now() / 1000) };
      const query = { clientId: app.clientId, purpose: request.purpose, subscriber, scopes: request.scopes };
      const decision = await deps.consent.check(query);
      if (decision.allowed) return await redirectWithCode(c, pending);
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
