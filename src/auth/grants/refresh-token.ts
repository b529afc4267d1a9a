import type { Application } from '../../admin/applications.js';
import { OAuthError } from '../../errors.js';
import { issuedBeforeCutoff, readStanding } from '../application-status.js';
import { redeemRefreshToken, revokeRefreshFamily } from '../refresh-tokens.js';
import { parseScope } from '../scope.js';
import type { GrantContext, TokenResponse } from './types.js';
import { issueUserTokens } from './user-tokens.js';

/**
 * RFC 6749 §6 with rotation. ICM §7.5: a refresh MUST NOT issue a new token if consent was
 * revoked or the client's status changed (suspended, purpose, scope or grant withdrawn): then
 * invalid_grant, and the family ends. A legal basis that cannot be evaluated (the pseudonym key
 * of its records missing) is no such refusal: 503, and the family lives on (refresh-tokens.ts).
 * A narrower `scope` may be asked for (same purpose; openid
 * and offline_access are ignored: a refresh returns no ID token); the rotated token keeps the
 * original grant.
 */
export async function refreshToken(ctx: GrantContext, app: Application): Promise<TokenResponse> {
  const { deps } = ctx;
  const presented = ctx.form.get('refresh_token');
  if (presented === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
  const requested = ctx.form.get('scope');
  const narrower = requested === undefined ? undefined : parseScope(requested, ctx.catalogue);
  const grant = await redeemRefreshToken(deps, presented, app.clientId, (original) => {
    // RFC 6749 §6: nothing beyond the original grant; refused before the token is consumed.
    if (
      narrower &&
      (narrower.purpose !== original.purpose || narrower.scopes.some((s) => !original.scopes.includes(s)))
    ) {
      throw new OAuthError('invalid_scope', 'scope exceeds the original grant');
    }
  });
  const end = async (why: string) => {
    await revokeRefreshFamily(deps, grant.familyId);
    return new OAuthError('invalid_grant', why);
  };
  // Read fresh (kill switch): the application and its partner served now, and this token issued
  // after their last suspension, so a resume never revives a token issued before it.
  const standing = await readStanding(deps, app.clientId);
  if (standing.refusal !== undefined || issuedBeforeCutoff(grant.issuedAt, standing))
    throw await end('the client is no longer allowed this grant');
  const stillOnboarded =
    app.grantTypes.includes(grant.grantType) &&
    app.purposes.includes(grant.purpose) &&
    grant.scopes.every((s) => app.scopes.includes(s));
  if (!stillOnboarded) throw await end('the client is no longer allowed this grant');
  const scopes = narrower?.scopes ?? grant.scopes;
  const decision = await deps.consent.check({
    clientId: app.clientId,
    purpose: grant.purpose,
    subscriber: grant.subscriber,
    scopes,
  });
  if (!decision.allowed) throw await end('no legal basis for this purpose any more');
  const { response } = await issueUserTokens(deps, {
    app,
    grantType: grant.grantType,
    subscriber: grant.subscriber,
    purpose: grant.purpose,
    scopes,
    amr: grant.amr,
    authTime: grant.authTime,
    // The rotated token keeps the whole original grant, however narrow this access token is.
    refresh: { family: grant, scopes: grant.scopes },
  });
  return response;
}
