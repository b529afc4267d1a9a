import { decodeJwt } from 'jose';
import type { Application } from '../../admin/applications.js';
import type { Deps } from '../../deps.js';
import { OAuthError } from '../../errors.js';
import { issuedBeforeCutoff, readStanding } from '../application-status.js';
import { authenticateClient, invalidClient } from '../client-auth.js';
import { chargeClient, type ClientAttempt } from '../endpoint-limits.js';
import { nobodyFor, resolveUserHint } from '../login-hint.js';
import { SignedJwtError, verifyClientSignedJwt } from '../signed-jwt.js';
import { GRANT } from './grant-types.js';
import type { GrantContext, TokenResponse } from './types.js';
import { parseUserScope, requireGrantType } from './user-scope.js';
import { issueUserTokens } from './user-tokens.js';

/** ICM §7.3: the flow "SHOULD return short-lived access tokens"; as long as an assertion may live. */
const JWT_BEARER_MAX_TTL_S = 300;

const invalidGrant = (why: string) => new OAuthError('invalid_grant', why);

/** The one refusal for a subject without a legal basis, whether or not it is a subscriber. */
export const NO_LEGAL_BASIS = 'no legal basis for this subject and purpose';

/**
 * Who the client is for a JWT-bearer request. ICM §7.3: the signed grant assertion itself is the
 * client authentication (iss = client_id); its signature is checked by the grant. A client that
 * also authenticates the usual way must be the assertion's issuer.
 */
export async function jwtBearerClient(
  deps: Deps,
  authorization: string | undefined,
  form: Map<string, string>,
  attempt?: ClientAttempt,
): Promise<Application> {
  const assertion = form.get('assertion');
  if (assertion === undefined) throw new OAuthError('invalid_request', 'assertion is required');
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw invalidGrant('malformed assertion');
  }
  if (typeof iss !== 'string') throw invalidGrant('assertion has no issuer');
  if (separateClientAuth(authorization, form)) {
    const app = await authenticateClient(deps, '/oauth2/token', authorization, form, { attempt });
    if (app.clientId !== iss) throw invalidGrant('assertion issuer is not the authenticated client');
    return app;
  }
  const { app, refusal } = await readStanding(deps, iss, 'oauth');
  if (app === null || refusal !== undefined || (form.has('client_id') && form.get('client_id') !== iss)) {
    throw invalidClient();
  }
  return app;
}

/** Whether a JWT-bearer request also authenticates its client the usual way. */
export function separateClientAuth(authorization: string | undefined, form: Map<string, string>): boolean {
  return /^basic /i.test(authorization ?? '') || form.has('client_secret') || form.has('client_assertion');
}

/**
 * RFC 7523 §2.1 JWT-bearer grant under ICM §7.3: claims iss, sub, aud, exp, iat, jti and scope
 * are all mandatory, the `scope` request parameter is forbidden, `sub` is `tel:+E164` or
 * `operatortoken:<TS.43 token>`, the legal basis must already exist (no user interaction, so
 * missing consent is invalid_grant), and no refresh token is ever returned.
 */
export async function jwtBearer(ctx: GrantContext, app: Application): Promise<TokenResponse> {
  const { deps } = ctx;
  // ICM §7.3: the scope goes in the signed assertion; the request parameter MUST NOT be sent.
  if (ctx.form.has('scope')) throw new OAuthError('invalid_request', 'scope belongs in the assertion');
  const issuer = deps.config.publicUrl;
  let claims;
  try {
    claims = await verifyClientSignedJwt(deps, app, ctx.form.get('assertion') as string, {
      audiences: [`${issuer}/oauth2/token`, issuer],
      jtiNamespace: 'assertion-jti',
    });
  } catch (error) {
    if (error instanceof SignedJwtError) throw invalidGrant('invalid assertion');
    throw error;
  }
  // The verified assertion authenticated the client: only now is its budget charged.
  if (!ctx.clientAuthenticated) await chargeClient(deps, '/oauth2/token', app.clientId);
  // Kill switch: an assertion signed before a suspension of the client or its partner is refused
  // after the resume, like the tokens of that time (its jti is spent already).
  if (issuedBeforeCutoff(claims.iat as number, await readStanding(deps, app.clientId)))
    throw invalidGrant('assertion issued before a suspension of the client');
  if (typeof claims.sub !== 'string') throw invalidGrant('assertion has no subject');
  if (typeof claims.scope !== 'string') throw invalidGrant('assertion has no scope');
  requireGrantType(app, GRANT.jwtBearer);
  const request = parseUserScope(claims.scope, ctx.catalogue, app, { protocolScopes: false });
  const user = await resolveUserHint(deps, claims.sub, ['tel', 'operatortoken']);
  if (user === 'malformed') throw invalidGrant('unsupported subject format');
  // A subject that names nobody is refused exactly like a subscriber without a legal basis (same
  // error, same description, the same consent read first), so the grant never tells a client
  // which numbers are subscribers. RFC 7523 §3.1 makes both an invalid_grant.
  const subscriber = user === 'unknown' ? nobodyFor(claims.sub) : user.subscriber;
  const decision = await deps.consent.check({
    clientId: app.clientId,
    purpose: request.purpose,
    subscriber,
    scopes: request.scopes,
  });
  // ICM §7.6: no interaction here; the consumer obtains consent another way first.
  if (user === 'unknown' || !decision.allowed) throw invalidGrant(NO_LEGAL_BASIS);
  const { response } = await issueUserTokens(deps, {
    app,
    grantType: GRANT.jwtBearer,
    subscriber,
    purpose: request.purpose,
    scopes: request.scopes,
    amr: [user.amr],
    authTime: Math.floor(deps.clock.now() / 1000),
    maxTtlSeconds: JWT_BEARER_MAX_TTL_S,
  });
  return response;
}
