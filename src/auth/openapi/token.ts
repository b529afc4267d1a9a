import { createRoute, z } from '@hono/zod-openapi';
import { ASSERTION_ALGS } from '../assertion-rules.js';
import { CLIENT_ASSERTION_TYPE } from '../client-auth.js';
import { SIGNING_ALG } from '../keys.js';
import { SUPPORTED_GRANTS } from '../token-endpoint.js';
import {
  CLIENT_AUTHENTICATED_ERRORS,
  clientAuthentication,
  errorResponses,
  HEADERS,
  json,
  TAG,
  text,
  type EndpointErrors,
} from './common.js';

/**
 * The errors of the token endpoint with their status: RFC 6749 §5.2, the CIBA poll answers (CIBA
 * Core §11: all 400, access_denied included), the endpoint limits, the store being down
 * (`temporarily_unavailable`) and anything unexpected (`server_error`, http/on-error.ts).
 */
export const TOKEN_ENDPOINT_ERRORS = {
  ...CLIENT_AUTHENTICATED_ERRORS,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  /** RFC 8707 §2: the admin audience asked for with another grant than client credentials. */
  invalid_target: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  access_denied: 400,
} as const satisfies EndpointErrors;

export const TokenRequest = z
  .object({
    grant_type: z.enum(SUPPORTED_GRANTS as [string, ...string[]]),
    scope: text(
      'Space-separated scopes: exactly one `dpv:<Purpose>` and the API scopes (`dpv:X api:scope`, or the legacy `dpv:X#api:scope`). client_credentials: required. refresh_token: optional, a narrower scope of the same purpose. jwt-bearer: forbidden (the scope is a claim of the assertion). authorization_code and CIBA: not used (the scope was given at authorize / bc-authorize).',
    ).openapi({ example: 'dpv:FraudPreventionAndDetection sim-swap:check' }),
    ...clientAuthentication(CLIENT_ASSERTION_TYPE, ASSERTION_ALGS),
    code: text('authorization_code: the code from the authorization response (single use, 60 s).'),
    redirect_uri: text('authorization_code: the redirect_uri of the authorization request, identical.'),
    code_verifier: text('authorization_code: the PKCE verifier (RFC 7636), 43–128 characters.').openapi({
      pattern: '^[A-Za-z0-9\\-._~]{43,128}$',
    }),
    refresh_token: text('refresh_token: the current refresh token of the family (rotated on use).'),
    auth_req_id: text('urn:openid:params:grant-type:ciba: the auth_req_id from bc-authorize.'),
    resource: text(
      "RFC 8707 resource indicator. Only `<issuer>/admin`, the operator's admin API: issued to the operator's admin clients (client_credentials, private_key_jwt), never to a developer application (docs/operator.md). Otherwise omitted.",
    ),
    assertion: text(
      `urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 §2.1): a JWT signed by the client (${ASSERTION_ALGS.join(', ')}) with iss = client_id, sub = tel:+E.164 or operatortoken:…, aud = the token endpoint or the issuer, scope, iat, exp (at most 300 s) and a single-use jti. It also authenticates the client.`,
    ),
  })
  .openapi('TokenRequest');

export const TokenResponse = z
  .object({
    access_token: z.string().openapi({ description: `A signed JWT (RFC 9068, ${SIGNING_ALG}).` }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Lifetime of the access token in seconds.' }),
    scope: z.string().openapi({ description: 'The granted purpose and scopes, space-separated.' }),
    refresh_token: text(
      'With `offline_access` on the authorization code and CIBA grants (never for Number Verification), and on every refresh (rotation).',
    ),
    id_token: text(
      `OIDC Core §2 ID token (${SIGNING_ALG}, pairwise sub) with \`openid\` on the authorization code and CIBA grants.`,
    ),
  })
  .openapi('TokenResponse');

export const tokenRoute = createRoute({
  method: 'post',
  path: '/oauth2/token',
  operationId: 'token',
  tags: [TAG],
  summary: 'Token endpoint (RFC 6749 §3.2)',
  description:
    'Issues access tokens for the grants of the CAMARA Security and Interoperability Profile: client_credentials (2-legged), authorization_code with PKCE, urn:openid:params:grant-type:ciba (poll mode), urn:ietf:params:oauth:grant-type:jwt-bearer, and refresh_token. Clients authenticate with private_key_jwt (client_assertion), or with client_secret_basic / client_secret_post where their onboarding record allows it; exactly one method per request. With the JWT-bearer grant, the assertion itself authenticates the client. Every grant that issues user tokens checks the legal basis of (client, purpose, subscriber) at that moment: without it, invalid_grant (access_denied at a CIBA poll), so a consent withdrawn or an objection recorded since bc-authorize, the authorization response or the last refresh yields no token.',
  security: [{ clientSecretBasic: [] }, {}],
  request: {
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TokenRequest } } },
  },
  responses: {
    200: json(TokenResponse, 'The tokens', { 'Cache-Control': HEADERS.noStore, Pragma: HEADERS.noCache }),
    ...errorResponses(TOKEN_ENDPOINT_ERRORS),
  },
});
