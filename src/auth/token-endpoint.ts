import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { authenticateClient } from './client-auth.js';
import { readForm } from './form.js';
import { clientCredentials } from './grants/client-credentials.js';
import type { GrantContext, TokenResponse } from './grants/types.js';

/** The grants this server implements, by `grant_type`. */
const GRANTS: Record<
  string,
  (ctx: GrantContext, app: Awaited<ReturnType<typeof authenticateClient>>) => Promise<TokenResponse>
> = {
  client_credentials: clientCredentials,
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
    const issuer = deps.config.publicUrl;
    const app = await authenticateClient(deps, c.req.header('authorization'), form, [
      `${issuer}/oauth2/token`,
      issuer,
    ]);
    const response = await grant({ deps, form, catalogue }, app);
    c.header('Pragma', 'no-cache');
    return c.json(response, 200);
  };
}
