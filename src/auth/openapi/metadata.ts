import { createRoute, z } from '@hono/zod-openapi';
import { SIGNING_ALG } from '../keys.js';
import { json, strings, TAG, url } from './common.js';

export const JsonWebKey = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal(SIGNING_ALG),
    use: z.literal('sig'),
  })
  .openapi('JsonWebKey');

export const JsonWebKeySet = z
  .object({
    keys: z.array(JsonWebKey).min(1).openapi({
      description: 'The signing key first; previous keys stay published until their tokens expire.',
    }),
  })
  .openapi('JsonWebKeySet');

export const ServerMetadata = z
  .object({
    issuer: url('The issuer of every access token (`iss`), also their audience.'),
    token_endpoint: url('POST /oauth2/token'),
    jwks_uri: url('GET /oauth2/jwks'),
    introspection_endpoint: url('POST /oauth2/introspect (RFC 7662)'),
    revocation_endpoint: url('POST /oauth2/revoke (RFC 7009)'),
    authorization_endpoint: url(
      'GET /oauth2/authorize: authorization code with network-based authentication',
    ).optional(),
    backchannel_authentication_endpoint: url('POST /oauth2/bc-authorize: CIBA, poll mode').optional(),
    grant_types_supported: strings('Grant types of the token endpoint.'),
    token_endpoint_auth_methods_supported: strings('Client authentication methods.'),
    token_endpoint_auth_signing_alg_values_supported: strings('Algorithms accepted for client assertions.'),
    introspection_endpoint_auth_methods_supported: strings('Client authentication methods.'),
    introspection_endpoint_auth_signing_alg_values_supported: strings(
      'Algorithms accepted for client assertions.',
    ),
    revocation_endpoint_auth_methods_supported: strings('Client authentication methods.'),
    revocation_endpoint_auth_signing_alg_values_supported: strings(
      'Algorithms accepted for client assertions.',
    ),
    response_types_supported: strings('Response types of the authorization endpoint (empty without one).'),
    response_modes_supported: strings('Response modes of the authorization endpoint.').optional(),
    code_challenge_methods_supported: strings('PKCE methods: S256 only.').optional(),
    authorization_response_iss_parameter_supported: z
      .boolean()
      .optional()
      .openapi({ description: 'RFC 9207: the authorization response carries `iss`.' }),
    backchannel_token_delivery_modes_supported: strings('CIBA delivery: poll only (ICM).').optional(),
    backchannel_authentication_request_signing_alg_values_supported:
      strings('Signed CIBA requests.').optional(),
    backchannel_user_code_parameter_supported: z.boolean().optional(),
    scopes_supported: strings(
      'Every API scope of the exposed CAMARA APIs, with openid and offline_access where a user flow exists.',
    ),
    subject_types_supported: strings('Subjects of 3-legged tokens are pairwise.'),
    id_token_signing_alg_values_supported: strings('ID token signing algorithms.'),
    claims_supported: strings('Claims of the ID tokens.').optional(),
    claims_parameter_supported: z.boolean().optional(),
    request_parameter_supported: z.boolean().optional(),
    request_uri_parameter_supported: z.boolean().optional(),
    request_object_signing_alg_values_supported: strings('Signed request objects (RFC 9101).').optional(),
  })
  .openapi('AuthorizationServerMetadata');

export const jwksRoute = createRoute({
  method: 'get',
  path: '/oauth2/jwks',
  operationId: 'jwks',
  tags: [TAG],
  summary: 'Public keys that verify the access tokens (RFC 7517)',
  responses: { 200: json(JsonWebKeySet, 'The JWK set') },
});

export const metadataRoute = (path: string, operationId: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    operationId,
    tags: [TAG],
    summary,
    responses: { 200: json(ServerMetadata, 'The server metadata') },
  });

