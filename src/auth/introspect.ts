import type { Context } from 'hono';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { issuedBeforeCutoff, readStanding } from './application-status.js';
import { authenticateClient } from './client-auth.js';
import { readForm } from './form.js';
import {
  findAccessToken,
  isRevoked,
  type IntrospectionClaims,
  type RefreshTokenLookup,
  type TokenTypeHint,
} from './revocation.js';
import { requestHeader } from '../http/request-header.js';

/** The form parameters shared by introspection and revocation, after client authentication. */
export async function tokenRequest(c: Context<Env>, endpoint: '/oauth2/introspect' | '/oauth2/revoke') {
  const deps = c.get('deps');
  const form = await readForm(c);
  const app = await authenticateClient(deps, endpoint, requestHeader(c, 'authorization'), form, {
    attempt: c.get('clientAttempt'),
  });
  const token = form.get('token');
  if (token === undefined || token === '') throw new OAuthError('invalid_request', 'token is required');
  // RFC 7009 §2.1 / RFC 7662 §2.1: the hint only orders the search; an unknown hint is ignored.
  const hint: TokenTypeHint =
    form.get('token_type_hint') === 'refresh_token' ? 'refresh_token' : 'access_token';
  return { deps, app, token, hint };
}

/**
 * POST /oauth2/introspect (RFC 7662). Only the client a token was issued to learns anything
 * about it: unknown, expired, revoked and other clients' tokens all answer `{"active": false}`.
 */
export function introspectionEndpoint(refreshTokens: RefreshTokenLookup) {
  return async (c: Context<Env>) => {
    const { deps, app, token, hint } = await tokenRequest(c, '/oauth2/introspect');
    const claims = await introspect(deps, refreshTokens, token, app.clientId, hint);
    // Kill switch: tokens issued before a suspension of the client or its partner stay inactive.
    const cutOff = claims !== null && issuedBeforeCutoff(claims.iat, await readStanding(deps, app.clientId));
    return c.json(claims === null || cutOff ? { active: false } : { active: true, ...claims }, 200);
  };
}

async function introspect(
  deps: Deps,
  refreshTokens: RefreshTokenLookup,
  token: string,
  clientId: string,
  hint: TokenTypeHint,
): Promise<IntrospectionClaims | null> {
  const asAccess = async () => {
    const found = await findAccessToken(deps, token, clientId);
    if (found.kind !== 'owned' || (await isRevoked(deps.store, found.token.access))) return null;
    return found.token.claims;
  };
  const asRefresh = async () => {
    const found = await refreshTokens.find(deps, token, clientId);
    return found.kind === 'owned' ? found.token : null;
  };
  const [first, second] = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
  return (await first()) ?? (await second());
}
