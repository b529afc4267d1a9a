import type { Application } from '../../admin/applications.js';
import { OAuthError } from '../../errors.js';
import { parseScope, type ScopeRequest } from '../scope.js';

/** Number Verification scopes carry the NV token rules (single use, ≤ 300 s, no refresh). */
export const isNumberVerificationScope = (scope: string): boolean => scope.startsWith('number-verification:');

/** NV (main, adopted now, SPEC-DIGEST §8.10): access tokens live at most 300 s. */
export const NV_MAX_TTL_S = 300;

/**
 * A 3-legged scope request (auth code, CIBA, JWT-bearer): exactly one purpose, known scopes, and
 * everything inside the application's onboarding record (ICM §7.1: "the Auth Server is
 * responsible to validate that the authorization flow … for this application, purpose, API/data
 * scopes is applied").
 */
export function parseUserScope(
  raw: string | undefined,
  catalogue: ReadonlyMap<string, string>,
  app: Application,
  options: { protocolScopes: boolean },
): ScopeRequest {
  const request = parseScope(raw, catalogue);
  if (!options.protocolScopes && request.protocol.length > 0) {
    throw new OAuthError('invalid_scope', 'openid and offline_access are not available with this grant');
  }
  if (!app.purposes.includes(request.purpose)) {
    throw new OAuthError('invalid_scope', 'purpose not allowed for this client');
  }
  if (request.scopes.some((s) => !app.scopes.includes(s))) {
    throw new OAuthError('invalid_scope', 'scope not allowed for this client');
  }
  if (request.protocol.includes('offline_access') && request.scopes.some(isNumberVerificationScope)) {
    throw new OAuthError('invalid_scope', 'number-verification tokens have no refresh token');
  }
  return request;
}

/** unauthorized_client unless the onboarding record lists the grant type. */
export function requireGrantType(app: Application, grantType: string): void {
  if (!app.grantTypes.includes(grantType)) {
    throw new OAuthError('unauthorized_client', 'grant type not allowed for this client');
  }
}
