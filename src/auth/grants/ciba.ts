import type { Application } from '../../admin/applications.js';
import { OAuthError } from '../../errors.js';
import { issuedBeforeCutoff, readStanding } from '../application-status.js';
import {
  deleteCibaRequest,
  loadCibaRequest,
  saveCibaRequest,
  takeCibaRequest,
  type CibaRequest,
} from '../ciba/index.js';
import { GRANT } from './grant-types.js';
import type { GrantContext, TokenResponse } from './types.js';
import { requireGrantType } from './user-scope.js';
import { issueUserTokens } from './user-tokens.js';

/** RFC 8628 §3.5 / CIBA Core §11: each slow_down adds 5 s to the interval. */
const SLOW_DOWN_STEP_S = 5;

/** Token errors are 400 (RFC 6749 §5.2), access_denied included (CIBA Core §11). */
const tokenError = (
  error: 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied',
  why: string,
) => new OAuthError(error, why, {}, 400);

/**
 * The CIBA grant (poll mode, CIBA Core §10.1): authorization_pending until the subscriber decides,
 * slow_down when polled faster than the interval, expired_token, access_denied, then the tokens
 * once. The auth_req_id is bound to the client that obtained it.
 */
export async function cibaGrant(ctx: GrantContext, app: Application): Promise<TokenResponse> {
  const { deps } = ctx;
  requireGrantType(app, GRANT.ciba);
  const authReqId = ctx.form.get('auth_req_id');
  if (authReqId === undefined) throw new OAuthError('invalid_request', 'auth_req_id is required');
  const request = await loadCibaRequest(deps, authReqId);
  if (request === null || request.clientId !== app.clientId) {
    throw new OAuthError('invalid_grant', 'unknown auth_req_id');
  }
  // Kill switch: a request made before a suspension of the client or its partner, whatever its
  // state, gives nothing after the resume; it ends here, like an auth_req_id gone (invalid_grant).
  if (issuedBeforeCutoff(request.createdAt / 1000, await readStanding(deps, app.clientId))) {
    await deleteCibaRequest(deps, authReqId);
    throw new OAuthError('invalid_grant', 'auth_req_id issued before a suspension of the client');
  }
  const now = deps.clock.now();
  if (now >= request.expiresAt) {
    await deleteCibaRequest(deps, authReqId);
    throw tokenError('expired_token', 'the authentication request expired');
  }
  const last = request.lastPollAt;
  request.lastPollAt = now;
  if (last !== undefined && now - last < request.intervalSeconds * 1000) {
    request.intervalSeconds += SLOW_DOWN_STEP_S;
    await saveCibaRequest(deps, authReqId, request);
    throw tokenError('slow_down', 'polling too fast');
  }
  // ICM §7.5: tokens only while the legal basis holds, checked at every poll that could issue.
  const basis = await deps.consent.check({
    clientId: request.clientId,
    purpose: request.purpose,
    subscriber: request.subscriber,
    scopes: request.scopes,
  });
  if (request.status === 'pending') {
    const settled = await followConsent(ctx, authReqId, request, now, basis.allowed);
    if (settled !== 'approved') {
      await saveCibaRequest(deps, authReqId, request);
      throw tokenError('authorization_pending', 'the subscriber has not answered yet');
    }
  }
  // Approved silently (the basis existed at bc-authorize) or through a consent since withdrawn:
  // the basis is gone, which is refused like a denial.
  if (!basis.allowed) {
    await deleteCibaRequest(deps, authReqId);
    throw tokenError('access_denied', 'no legal basis for this purpose any more');
  }
  // Single use: of concurrent polls, only the one that takes the request gets tokens.
  if ((await takeCibaRequest(deps, authReqId)) === null) {
    throw new OAuthError('invalid_grant', 'unknown auth_req_id');
  }
  const { response } = await issueUserTokens(deps, {
    app,
    grantType: GRANT.ciba,
    subscriber: request.subscriber,
    purpose: request.purpose,
    scopes: request.scopes,
    amr: request.amr,
    authTime: request.approvedAt ?? Math.floor(now / 1000),
    idToken: request.openid ? {} : undefined,
    refresh: request.offlineAccess ? {} : undefined,
  });
  return response;
}

/**
 * The CIBA request follows its consent request: denied, expired, or granted. It also settles as
 * soon as the legal basis exists by another way (`allowed`): the subscriber answered another
 * request of the same application and purpose (a client that asked twice), or the operator
 * imported a consent captured through its own channel.
 */
async function followConsent(
  ctx: GrantContext,
  authReqId: string,
  request: CibaRequest,
  now: number,
  allowed: boolean,
): Promise<'approved' | 'pending'> {
  const { deps } = ctx;
  const consent =
    request.consentRequestId === undefined ? null : await deps.consent.getRequest(request.consentRequestId);
  const mismatch =
    consent !== null && (consent.clientId !== request.clientId || consent.subscriber !== request.subscriber);
  if (consent === null || mismatch || consent.status === 'expired') {
    await deleteCibaRequest(deps, authReqId);
    throw tokenError('expired_token', 'the consent request expired');
  }
  if (consent.status === 'denied') {
    await deleteCibaRequest(deps, authReqId);
    throw tokenError('access_denied', 'the subscriber denied the request');
  }
  // A request for nobody never settles as approved, whatever happens to its stand-in.
  if ((consent.status === 'pending' && !allowed) || request.nobody === true) return 'pending';
  request.status = 'approved';
  request.approvedAt = Math.floor(now / 1000);
  return 'approved';
}
