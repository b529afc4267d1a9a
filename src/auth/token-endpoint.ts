import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { adminToken, asksForAdmin } from '../admin/v1/admin-token.js';
import { authenticateClient } from './client-auth.js';
import { readForm } from './form.js';
import { authorizationCode } from './grants/authorization-code.js';
import { cibaGrant } from './grants/ciba.js';
import { clientCredentials } from './grants/client-credentials.js';
import { GRANT } from './grants/grant-types.js';
import { jwtBearer, jwtBearerClient, separateClientAuth } from './grants/jwt-bearer.js';
import { refreshToken } from './grants/refresh-token.js';
import type { GrantContext, TokenResponse } from './grants/types.js';
import { requestHeader } from '../http/request-header.js';

/** The grants this server implements, by `grant_type`. */
const GRANTS: Record<
  string,
  (ctx: GrantContext, app: Awaited<ReturnType<typeof authenticateClient>>) => Promise<TokenResponse>
> = {
  [GRANT.clientCredentials]: clientCredentials,
  [GRANT.authorizationCode]: authorizationCode,
  [GRANT.refreshToken]: refreshToken,
  [GRANT.ciba]: cibaGrant,
  [GRANT.jwtBearer]: jwtBearer,
};

export const SUPPORTED_GRANTS = Object.keys(GRANTS);

/** POST /oauth2/token (RFC 6749 §3.2). */
export function tokenEndpoint(catalogue: ReadonlyMap<string, string>) {
  return async (c: Context<Env>) => {
    const deps = c.get('deps');
    const form = await readForm(c);
    const grantType = form.get('grant_type');
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    const grant = GRANTS[grantType];
    if (grant === undefined) throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    // RFC 8707: the admin audience is issued to the operator's admin clients only (admin/v1/).
    if (asksForAdmin(deps, form)) {
      const response = await adminToken(deps, form);
      c.header('Pragma', 'no-cache');
      return c.json(response, 200);
    }
    const authorization = requestHeader(c, 'authorization');
    const attempt = c.get('clientAttempt');
    // RFC 7523 §2.1 / ICM §7.3: the JWT-bearer assertion authenticates the client itself. A refresh
    // by a suspended client is refused by the grant with invalid_grant (ICM §7.5).
    const app =
      grantType === GRANT.jwtBearer
        ? await jwtBearerClient(deps, authorization, form, attempt)
        : await authenticateClient(deps, '/oauth2/token', authorization, form, {
            allowSuspended: grantType === GRANT.refreshToken,
            attempt,
          });
    const clientAuthenticated = grantType !== GRANT.jwtBearer || separateClientAuth(authorization, form);
    const response = await grant({ deps, form, catalogue, clientAuthenticated }, app);
    deps.metrics.tokenIssued(grantType);
    c.header('Pragma', 'no-cache');
    return c.json(response, 200);
  };
}
