import { createRoute, z } from '@hono/zod-openapi';
import type { OAuthCode } from '../../errors.js';
import { ASSERTION_ALGS } from '../assertion-rules.js';
import { errorResponses, TAG, text, type EndpointErrors } from './common.js';

/**
 * Errors answered to the user agent (400 JSON): until the client and its redirect URI are known
 * good, nothing is sent to the redirect URI (RFC 6749 §4.1.2.1).
 */
export const AUTHORIZE_ERRORS = {
  invalid_request: 400,
  temporarily_unavailable: 503,
  server_error: 500,
} as const satisfies EndpointErrors;

/** Errors sent to the client's redirect URI, in the query (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6). */
export const AUTHORIZE_REDIRECT_ERRORS = [
  'invalid_request',
  'unauthorized_client',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'consent_required',
  'invalid_request_object',
  'request_uri_not_supported',
  'temporarily_unavailable',
  'server_error',
] as const satisfies readonly OAuthCode[];

/** /oauth2/authorize/continue: errors to the user agent, and to the redirect URI. */
export const CONTINUE_ERRORS = AUTHORIZE_ERRORS;
export const CONTINUE_REDIRECT_ERRORS = [
  'access_denied',
  'temporarily_unavailable',
  'server_error',
] as const satisfies readonly OAuthCode[];

export const AuthorizeRequest = z
  .object({
    response_type: z.literal('code'),
    client_id: z.string(),
    redirect_uri: z.string().openapi({
      format: 'uri',
      description: 'Exactly one of the URIs registered for the application (no prefix or pattern matching).',
    }),
    scope: z.string().openapi({
      description:
        'Exactly one `dpv:<Purpose>`, the API scopes, and optionally `openid` (an ID token) and `offline_access` (a refresh token; never with Number Verification scopes).',
      example: 'openid dpv:FraudPreventionAndDetection sim-swap:check',
    }),
    state: text('Returned unchanged in the redirect; at most 512 characters.'),
    nonce: text('Put in the ID token; at most 512 characters.'),
    code_challenge: z.string().optional().openapi({
      pattern: '^[A-Za-z0-9_-]{43}$',
      description:
        'PKCE (RFC 7636) S256 challenge: required, here or in the request object (ICM: PKCE is mandatory).',
    }),
    code_challenge_method: z.literal('S256').optional().openapi({
      description: 'Required, here or in the request object: `plain` is refused.',
    }),
    response_mode: z.literal('query').optional(),
    prompt: z.string().optional().openapi({
      description:
        '`none`, `login`, `consent`, `select_account` (space-separated). No value ever shows a login page: the device is identified by the mobile network (prompt=none implied). With `none`, a missing consent is `consent_required` instead of the consent page.',
    }),
    request: text(
      `A signed request object (RFC 9101; ${ASSERTION_ALGS.join(', ')}): iss = client_id, aud = this endpoint or the issuer, iat, exp (at most 300 s), single-use jti. Its parameters replace the clear ones; scope, response_type, client_id and redirect_uri must be repeated in clear, equal.`,
    ),
    request_uri: text('Not supported: request_uri_not_supported.'),
  })
  .openapi('AuthorizeRequest');

/** The query parameters of the redirect to the client (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export const AuthorizationRedirect = z
  .object({
    code: z.string().openapi({ description: 'Single use, valid 60 s, bound to the client, redirect_uri and PKCE.' }),
    state: text('The request state, unchanged.'),
    iss: z.string().openapi({ format: 'uri', description: 'RFC 9207: this issuer.' }),
  })
  .openapi('AuthorizationRedirect');

const redirectError = (codes: readonly OAuthCode[], name: string) =>
  z
    .object({
      error: z.enum(codes as unknown as [OAuthCode, ...OAuthCode[]]),
      error_description: z.string(),
      state: text('The request state, unchanged.'),
      iss: z.string().openapi({ format: 'uri', description: 'RFC 9207: this issuer.' }),
    })
    .openapi(name);

export const AuthorizationErrorRedirect = redirectError(
  AUTHORIZE_REDIRECT_ERRORS,
  'AuthorizationErrorRedirect',
);
export const ContinueErrorRedirect = redirectError(CONTINUE_REDIRECT_ERRORS, 'ContinueErrorRedirect');

/** Referenced from the vendor extension only: the document registers them (openapi.ts). */
export const REDIRECT_SCHEMAS = { AuthorizationRedirect, AuthorizationErrorRedirect, ContinueErrorRedirect };

/**
 * A 302 whose Location is the client's redirect URI with the query parameters of one of
 * `schemas` (`x-redirect-query`: OpenAPI 3.0 has no way to describe a Location's query), or the
 * consent page.
 */
const redirect = (description: string, schemas: (keyof typeof REDIRECT_SCHEMAS)[], consentPage: boolean) => ({
  description,
  headers: {
    'x-correlator': { $ref: '#/components/headers/x-correlator' },
    Location: {
      required: true,
      description: consentPage
        ? 'The client redirect URI with the parameters of x-redirect-query, or the consent page'
        : 'The client redirect URI with the parameters of x-redirect-query',
      schema: { type: 'string', format: 'uri' },
    },
    ...(consentPage
      ? {
          'Set-Cookie': {
            description:
              'To the consent page only: a cookie (Path=/oauth2/authorize; HttpOnly; SameSite=Lax) that binds the return to this browser',
            schema: { type: 'string' },
          },
        }
      : {}),
  },
  'x-redirect-query': { oneOf: schemas.map((name) => ({ $ref: `#/components/schemas/${name}` })) },
});

const authorizeResponses = {
  302: redirect(
    'To the client with a code, or an error (after the client and redirect URI are verified); or to the consent page when the subscriber must consent first (ICM §7.6)',
    ['AuthorizationRedirect', 'AuthorizationErrorRedirect'],
    true,
  ),
  ...errorResponses(AUTHORIZE_ERRORS),
};

const DESCRIPTION =
  'Authorization code flow with network-based authentication (ICM §7.1, §7.8): the device connection identifies the subscriber, there is no login page; an unidentified device is access_denied. Errors before the client and its redirect URI are verified (missing or unknown client_id, unregistered redirect_uri, repeated or oversized parameters) are answered 400 and never redirected.';

export const authorizeGetRoute = createRoute({
  method: 'get',
  path: '/oauth2/authorize',
  operationId: 'authorize',
  tags: [TAG],
  summary: 'Authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2), query parameters',
  description: DESCRIPTION,
  request: { query: AuthorizeRequest },
  responses: authorizeResponses as never,
});

export const authorizePostRoute = createRoute({
  method: 'post',
  path: '/oauth2/authorize',
  operationId: 'authorizePost',
  tags: [TAG],
  summary: 'Authorization endpoint, form parameters (OIDC Core §3.1.2.1)',
  description: DESCRIPTION,
  request: {
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: AuthorizeRequest } } },
  },
  responses: authorizeResponses as never,
});

export const continueRoute = createRoute({
  method: 'get',
  path: '/oauth2/authorize/continue',
  operationId: 'authorizeContinue',
  tags: [TAG],
  summary: 'Return from the consent page',
  description:
    'The consent page sends the browser back here. Granted → a code; denied, unanswered or expired → access_denied. Only the browser that left for the consent page (its binding cookie) can continue, and only once.',
  request: {
    query: z.object({
      consent_request: z.string().openapi({ pattern: '^[A-Za-z0-9_-]{1,128}$' }),
    }),
  },
  responses: {
    302: redirect('To the client with a code or an error', ['AuthorizationRedirect', 'ContinueErrorRedirect'], false),
    ...errorResponses(CONTINUE_ERRORS),
  } as never,
});
