import { createRoute, z } from '@hono/zod-openapi';
import { ASSERTION_ALGS } from '../assertion-rules.js';
import { CLIENT_ASSERTION_TYPE } from '../client-auth.js';
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
 * OpenID CIBA Core §13 errors of the backchannel authentication endpoint (access_denied: 403).
 * Not unknown_user_id, which §13 leaves to the OP: a hint that names nobody is answered like a
 * subscriber without a legal basis, so that no answer tells which numbers are subscribers.
 */
export const BC_AUTHORIZE_ERRORS = {
  ...CLIENT_AUTHENTICATED_ERRORS,
  unauthorized_client: 400,
  invalid_scope: 400,
  invalid_request_object: 400,
  access_denied: 403,
} as const satisfies EndpointErrors;

const unsupported = (description: string) => text(`Not accepted (ICM §7.4): ${description}`);

export const BackchannelAuthenticationRequest = z
  .object({
    scope: text(
      'Exactly one `dpv:<Purpose>`, the API scopes, and optionally `openid` and `offline_access`. Required, here or in the request object.',
    ).openapi({ example: 'openid dpv:FraudPreventionAndDetection sim-swap:check' }),
    login_hint: text(
      'Required, here or in the request object: `tel:+<E.164>`, `ipport:<ip>[:<port>]` or `operatortoken:<token>` (ICM §7.4).',
    ).openapi({ example: 'tel:+34600000001' }),
    login_hint_token: unsupported('invalid_request.'),
    id_token_hint: unsupported('invalid_request.'),
    binding_message: text('Ignored.'),
    user_code: text('Ignored.'),
    requested_expiry: text('Ignored: the request lives CIBA_EXPIRES_IN_SECONDS.'),
    client_notification_token: text('Ignored: poll mode only.'),
    acr_values: text('Ignored.'),
    request: text(
      `A signed request object (RFC 9101; ${ASSERTION_ALGS.join(', ')}) holding all the authentication request parameters above (sending any of them outside too is invalid_request): iss = client_id, aud = this endpoint or the issuer, iat, exp (at most 300 s), single-use jti.`,
    ),
    request_uri: unsupported('invalid_request.'),
    ...clientAuthentication(CLIENT_ASSERTION_TYPE, ASSERTION_ALGS),
  })
  .openapi('BackchannelAuthenticationRequest');

export const BackchannelAuthenticationResponse = z
  .object({
    auth_req_id: z.string().openapi({
      description: 'Poll the token endpoint with it (urn:openid:params:grant-type:ciba).',
    }),
    expires_in: z.number().int().openapi({ description: 'Seconds until the request expires.' }),
    interval: z.number().int().openapi({ description: 'Minimum seconds between two polls.' }),
  })
  .openapi('BackchannelAuthenticationResponse');

export const bcAuthorizeRoute = createRoute({
  method: 'post',
  path: '/oauth2/bc-authorize',
  operationId: 'backchannelAuthentication',
  tags: [TAG],
  summary: 'Backchannel authentication endpoint (OpenID CIBA Core §7, poll mode)',
  description:
    'Starts a CIBA request for the subscriber named by login_hint. Client authentication as at the token endpoint. The request is approved at once when the legal basis exists; otherwise the subscriber is asked through the consent service and the client polls the token endpoint (authorization_pending, slow_down, expired_token, access_denied) until the tokens. 403 access_denied: the subscriber objected to the purpose, or the client already sent the subscriber CONSENT_CAPTURES_PER_DAY consent requests today. A login_hint that names no subscriber gets the answers of a subscriber without a legal basis (never unknown_user_id): 403 access_denied when the purpose needs no consent, else 200 and authorization_pending until expired_token, as for a subscriber who never answers; nothing is sent to anyone.',
  security: [{ clientSecretBasic: [] }, {}],
  request: {
    body: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: BackchannelAuthenticationRequest } },
    },
  },
  responses: {
    200: json(BackchannelAuthenticationResponse, 'The request is started', {
      'Cache-Control': HEADERS.noStore,
      Pragma: HEADERS.noCache,
    }),
    ...errorResponses(BC_AUTHORIZE_ERRORS),
  },
});
