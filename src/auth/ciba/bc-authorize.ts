import type { Context } from 'hono';
import { ApiError, OAuthError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { audiencesOf, authenticateClient } from '../client-auth.js';
import { readForm } from '../form.js';
import { GRANT } from '../grants/grant-types.js';
import { parseUserScope, requireGrantType } from '../grants/user-scope.js';
import { AMR } from '../amr.js';
import { nobodyFor, resolveUserHint } from '../login-hint.js';
import { verifyRequestObject } from '../request-object.js';
import { createCibaRequest, type CibaRequest } from './requests.js';
import { requestHeader } from '../../http/request-header.js';

/** Authentication request parameters: inside the request object when one is sent (CIBA §7.1.1). */
const REQUEST_PARAMS = [
  'scope',
  'login_hint',
  'login_hint_token',
  'id_token_hint',
  'binding_message',
  'user_code',
  'requested_expiry',
  'client_notification_token',
  'acr_values',
];

/**
 * POST /oauth2/bc-authorize: OpenID CIBA Core §7, poll mode only, under ICM §7.4: client
 * authentication as at the token endpoint, `login_hint` (tel:, ipport:, operatortoken:) REQUIRED
 * and the only hint, exactly one purpose. binding_message, user_code and requested_expiry are
 * ignored. Consent is decided at once when the legal basis exists; otherwise the subscriber is
 * asked through the consent service and the client polls. A hint that names no subscriber gets
 * the same answers as a subscriber without a legal basis who never answers (no unknown_user_id).
 */
export function backchannelAuthentication(catalogue: ReadonlyMap<string, string>) {
  return async (c: Context<Env>) => {
    const deps = c.get('deps');
    const form = await readForm(c);
    const app = await authenticateClient(
      deps,
      '/oauth2/bc-authorize',
      requestHeader(c, 'authorization'),
      form,
      { attempt: c.get('clientAttempt') },
    );
    requireGrantType(app, GRANT.ciba);
    if (form.has('request_uri')) throw new OAuthError('invalid_request', 'request_uri is not supported');
    let params = form;
    const requestObject = form.get('request');
    if (requestObject !== undefined) {
      if (REQUEST_PARAMS.some((p) => form.has(p))) {
        throw new OAuthError('invalid_request', 'parameters must be inside the request object');
      }
      params = await verifyRequestObject(deps, app, requestObject, audiencesOf(deps, '/oauth2/bc-authorize'));
    }
    // ICM §7.4: login_hint only; login_hint_token and id_token_hint are not accepted.
    if (params.has('login_hint_token') || params.has('id_token_hint')) {
      throw new OAuthError('invalid_request', 'only login_hint is supported');
    }
    const hint = params.get('login_hint');
    if (hint === undefined) throw new OAuthError('invalid_request', 'login_hint is required');
    const request = parseUserScope(params.get('scope'), catalogue, app, { protocolScopes: true });
    const resolved = await resolveUserHint(deps, hint, ['tel', 'ipport', 'operatortoken']);
    if (resolved === 'malformed') throw new OAuthError('invalid_request', 'malformed login_hint');
    // No unknown_user_id (CIBA Core §13 lets the OP choose): a hint that names nobody is answered
    // as a subscriber who has given no consent and never answers, so that bc-authorize and the
    // polls never tell a client which numbers are subscribers (docs/authorization-server.md).
    const nobody = resolved === 'unknown';
    const user = nobody ? { subscriber: nobodyFor(hint), amr: AMR.clientAsserted } : resolved;

    const query = {
      clientId: app.clientId,
      purpose: request.purpose,
      subscriber: user.subscriber,
      scopes: request.scopes,
    };
    const { expiresInSeconds, intervalSeconds } = deps.config.ciba;
    const now = deps.clock.now();
    const ciba: CibaRequest = {
      clientId: app.clientId,
      subscriber: user.subscriber,
      purpose: request.purpose,
      scopes: request.scopes,
      openid: request.protocol.includes('openid'),
      offlineAccess: request.protocol.includes('offline_access'),
      amr: [user.amr],
      status: 'approved',
      ...(nobody ? { nobody: true } : {}),
      createdAt: now,
      expiresAt: now + expiresInSeconds * 1000,
      intervalSeconds,
    };
    const decision = await deps.consent.check(query);
    // Nobody can rest on a basis that needs no answer: refused like a subscriber who objected.
    if (decision.allowed && !nobody) {
      ciba.approvedAt = Math.floor(now / 1000);
    } else if (!decision.allowed && decision.reason === 'consent_required') {
      const { request: consent } = await deps.consent
        .requestConsent({ ...query, source: 'ciba', ttlSeconds: expiresInSeconds, reachable: !nobody })
        .catch((error: unknown) => {
          // Each request messages the subscriber: CONSENT_CAPTURES_PER_DAY per application.
          if (error instanceof ApiError && error.code === 'CONSENT.TOO_MANY_REQUESTS')
            throw new OAuthError('access_denied', 'too many consent requests to this subscriber; try later');
          throw error;
        });
      ciba.status = 'pending';
      ciba.consentRequestId = consent.id;
    } else {
      throw new OAuthError('access_denied', 'access not allowed for this purpose');
    }
    const authReqId = await createCibaRequest(deps, ciba);
    c.header('Pragma', 'no-cache');
    return c.json({ auth_req_id: authReqId, expires_in: expiresInSeconds, interval: intervalSeconds }, 200);
  };
}
