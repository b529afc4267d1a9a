import { createRoute, z } from '@hono/zod-openapi';
import { ASSERTION_ALGS } from '../assertion-rules.js';
import { CLIENT_ASSERTION_TYPE } from '../client-auth.js';
import {
  CLIENT_AUTHENTICATED_ERRORS,
  clientAuthentication,
  empty,
  errorResponses,
  HEADERS,
  json,
  TAG,
  type EndpointErrors,
} from './common.js';

/** RFC 7662 §2.3: an unknown or foreign token is `{"active": false}`, not an error. */
export const INTROSPECTION_ERRORS = CLIENT_AUTHENTICATED_ERRORS satisfies EndpointErrors;

/** RFC 7009 §2.2.1, plus unauthorized_client for a token issued to another client (§2.1). */
export const REVOCATION_ERRORS = {
  ...CLIENT_AUTHENTICATED_ERRORS,
  unauthorized_client: 400,
} as const satisfies EndpointErrors;

const tokenParameters = {
  token: z.string().openapi({ description: 'An access token or a refresh token of this client.' }),
  token_type_hint: z.string().optional().openapi({
    description:
      '`access_token` or `refresh_token`: only orders the search; another value is ignored.',
  }),
  ...clientAuthentication(CLIENT_ASSERTION_TYPE, ASSERTION_ALGS),
};

export const IntrospectionRequest = z.object(tokenParameters).openapi('IntrospectionRequest');
export const RevocationRequest = z.object(tokenParameters).openapi('RevocationRequest');

export const IntrospectionResponse = z
  .object({
    active: z.boolean().openapi({
      description:
        'false for an unknown, malformed, expired or revoked token, a rotated-out refresh token and another client’s token; then no other member.',
    }),
    scope: z.string().optional().openapi({ description: 'The purpose and the API scopes.' }),
    client_id: z.string().optional(),
    token_type: z.enum(['Bearer', 'refresh_token']).optional(),
    exp: z.number().int().optional().openapi({
      description: 'Access token: its expiry. Refresh token: the end of its family.',
    }),
    iat: z.number().int().optional(),
    sub: z.string().optional().openapi({
      description:
        'The client (2-legged) or a pairwise pseudonym of the subscriber (3-legged, refresh tokens): never the phone number.',
    }),
    aud: z.union([z.string(), z.array(z.string())]).optional().openapi({ description: 'Access tokens only.' }),
    iss: z.string().optional(),
    jti: z.string().optional().openapi({ description: 'Access tokens only.' }),
  })
  .openapi('IntrospectionResponse');

export const introspectRoute = createRoute({
  method: 'post',
  path: '/oauth2/introspect',
  operationId: 'introspect',
  tags: [TAG],
  summary: 'Token introspection (RFC 7662)',
  description: 'Only the client a token was issued to learns anything about it.',
  security: [{ clientSecretBasic: [] }, {}],
  request: {
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: IntrospectionRequest } } },
  },
  responses: {
    200: json(IntrospectionResponse, 'The token state', { 'Cache-Control': HEADERS.noStore }),
    ...errorResponses(INTROSPECTION_ERRORS),
  },
});

export const revokeRoute = createRoute({
  method: 'post',
  path: '/oauth2/revoke',
  operationId: 'revoke',
  tags: [TAG],
  summary: 'Token revocation (RFC 7009)',
  description:
    'Revokes an access token (refused by the CAMARA APIs from the next call, in every process sharing the store) or a refresh token (with its whole family and the access tokens issued under it). Only the client the token was issued to may revoke it.',
  security: [{ clientSecretBasic: [] }, {}],
  request: {
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: RevocationRequest } } },
  },
  responses: {
    200: empty('Revoked, or unknown, invalid or expired already (RFC 7009 §2.2): no body'),
    ...errorResponses(REVOCATION_ERRORS),
  },
});
