import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import type { AdminClient } from '../../config.js';
import type { Deps } from '../../deps.js';
import { OAuthError } from '../../errors.js';
import { ASSERTION_ALGS, checkAssertionTimes, CLOCK_SKEW_S, keySetOf } from '../../auth/assertion-rules.js';
import { CLIENT_ASSERTION_TYPE, invalidClient } from '../../auth/client-auth.js';
import { chargeClient } from '../../auth/endpoint-limits.js';
import type { TokenResponse } from '../../auth/grants/types.js';
import { SIGNING_ALG } from '../../auth/keys.js';
import { adminKeys } from '../../store/keys.js';
import { StoreUnavailableError } from '../../store/port.js';

/**
 * The admin API's audience, asked for at the token endpoint as an RFC 8707 resource indicator
 * (`resource=<PUBLIC_URL>/admin`). Developer tokens carry PUBLIC_URL as their audience, so neither
 * kind of token is accepted where the other is.
 */
export const adminAudience = (publicUrl: string) => `${publicUrl}/admin`;

/** Whether a token request asks for the admin audience: it is then the admin clients' alone. */
export const asksForAdmin = (deps: Deps, form: Map<string, string>) =>
  form.get('resource') === adminAudience(deps.config.publicUrl);

/**
 * Client credentials for an operator's admin client (ADMIN_CLIENTS): private_key_jwt only, since
 * a shared secret in a console's configuration is a secret that leaks. A developer application
 * is not an admin client, whatever it presents: the same single invalid_client.
 */
export async function adminToken(deps: Deps, form: Map<string, string>): Promise<TokenResponse> {
  if (form.get('grant_type') !== 'client_credentials')
    throw new OAuthError('invalid_target', 'the admin API is reached with client credentials only');
  const client = await authenticateAdmin(deps, form);
  await chargeClient(deps, '/oauth2/token', `admin:${client.clientId}`);
  const key = await deps.keys.signingKey();
  const iat = Math.floor(deps.clock.now() / 1000);
  const ttl = deps.config.admin.tokenTtlSeconds;
  const token = await new SignJWT({ client_id: client.clientId, role: client.role })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: 'at+jwt', kid: key.kid })
    .setIssuer(deps.config.publicUrl)
    .setAudience(adminAudience(deps.config.publicUrl))
    .setSubject(client.clientId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(key.privateKey);
  deps.logger.info('admin token issued', { clientId: client.clientId, role: client.role });
  return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: client.role };
}

async function authenticateAdmin(deps: Deps, form: Map<string, string>): Promise<AdminClient> {
  const assertion = form.get('client_assertion');
  if (assertion === undefined || form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
    throw invalidClient();
  let iss: unknown;
  try {
    iss = decodeJwt(assertion).iss;
  } catch {
    throw invalidClient();
  }
  const client = deps.config.admin.clients.find((c) => c.clientId === iss);
  if (client === undefined || (form.has('client_id') && form.get('client_id') !== iss)) {
    deps.logger.info('admin client authentication failed', { reason: 'not an admin client' });
    throw invalidClient();
  }
  const issuer = deps.config.publicUrl;
  const now = deps.clock.now() / 1000;
  try {
    const { payload } = await jwtVerify(assertion, keySetOf(client.jwks), {
      issuer: client.clientId,
      subject: client.clientId,
      audience: [`${issuer}/oauth2/token`, issuer],
      algorithms: ASSERTION_ALGS,
      currentDate: new Date(now * 1000),
      clockTolerance: CLOCK_SKEW_S,
      requiredClaims: ['exp', 'jti'],
    });
    const problem = checkAssertionTimes(payload, now);
    if (problem !== undefined) throw new Error(problem);
    const ttlMs = Math.max(1000, ((payload.exp as number) - now) * 1000 + 5000);
    if (
      !(await deps.store.setIfAbsent(
        adminKeys.assertionJti(client.clientId, String(payload.jti)),
        '1',
        ttlMs,
      ))
    )
      throw new Error('replayed assertion');
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    if (error instanceof StoreUnavailableError) throw error;
    deps.logger.info('admin client authentication failed', {
      clientId: client.clientId,
      reason: String(error),
    });
    throw invalidClient();
  }
  return client;
}
