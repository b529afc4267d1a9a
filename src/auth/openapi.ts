import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { OAUTH_ERRORS, type OAuthCode } from '../errors.js';
import { X_CORRELATOR_PATTERN } from '../http/correlator.js';
import { canonicalDocument, serversOf } from '../openapi.js';
import { ASSERTION_ALGS, CLIENT_ASSERTION_TYPE } from './client-auth.js';
import { SIGNING_ALG } from './keys.js';
import { SUPPORTED_GRANTS } from './token-endpoint.js';

/**
 * The OpenAPI document of the authorization server (token endpoint, JWKS, discovery). Documentation
 * only: the handlers in token-endpoint.ts and index.ts stay plain Hono, and
 * test/conformance/auth-openapi.test.ts checks their real answers against these schemas.
 */

/**
 * The errors the token endpoint answers with (RFC 6749 §5.2), plus `temporarily_unavailable` when
 * the store is down and `server_error` for anything unexpected (http/on-error.ts); their status comes from errors.ts. `invalid_grant` joins
 * the list with the first grant that can reject one (client credentials carries no grant).
 */
export const TOKEN_ENDPOINT_ERRORS = [
  'invalid_request',
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'temporarily_unavailable',
  'server_error',
] as const satisfies readonly OAuthCode[];

const url = (description: string) => z.string().openapi({ format: 'uri', description });
const strings = (description: string) => z.array(z.string()).openapi({ description });

export const TokenRequest = z
  .object({
    grant_type: z.enum(SUPPORTED_GRANTS as [string, ...string[]]),
    scope: z.string().optional().openapi({
      description:
        'Space-separated scopes: exactly one `dpv:<Purpose>` and the API scopes (`dpv:X api:scope`, or the legacy `dpv:X#api:scope`). Required by every grant this server implements.',
      example: 'dpv:FraudPreventionAndDetection sim-swap:check',
    }),
    client_assertion_type: z.literal(CLIENT_ASSERTION_TYPE).optional().openapi({
      description: 'private_key_jwt (RFC 7523 §2.2): the only accepted assertion type.',
    }),
    client_assertion: z
      .string()
      .optional()
      .openapi({
        description: `A signed JWT (${ASSERTION_ALGS.join(', ')}) with iss = sub = client_id, aud = the token endpoint or the issuer, a single-use jti and a lifetime of at most 300 s.`,
      }),
    client_id: z.string().optional().openapi({
      description: 'With client_secret (client_secret_post), or equal to the assertion issuer.',
    }),
    client_secret: z.string().optional().openapi({
      description: 'client_secret_post, only for applications whose record allows it.',
    }),
  })
  .openapi('TokenRequest');

export const TokenResponse = z
  .object({
    access_token: z.string().openapi({ description: `A signed JWT (RFC 9068, ${SIGNING_ALG}).` }),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Lifetime of the access token in seconds.' }),
    scope: z.string().openapi({ description: 'The granted purpose and scopes, space-separated.' }),
  })
  .openapi('TokenResponse');

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

const correlatorHeader = { 'x-correlator': { $ref: '#/components/headers/x-correlator' } };

/** An RFC 6749 §5.2 error body limited to the codes answered with `status`. */
function oauthError(status: number, description: string, headers: Record<string, object> = {}) {
  const codes = TOKEN_ENDPOINT_ERRORS.filter((code) => OAUTH_ERRORS[code] === status);
  const schema = z.object({
    error: z.enum(codes as unknown as [OAuthCode, ...OAuthCode[]]),
    error_description: z
      .string()
      .openapi({ description: 'Human-readable; never reveals which check failed.' }),
  });
  return {
    description,
    headers: { ...correlatorHeader, ...headers },
    content: { 'application/json': { schema } },
  };
}

const json = (schema: z.ZodType, description: string, headers: Record<string, object> = {}) => ({
  description,
  headers: { ...correlatorHeader, ...headers },
  content: { 'application/json': { schema } },
});

const tokenRoute = createRoute({
  method: 'post',
  path: '/oauth2/token',
  operationId: 'token',
  tags: ['Authorization server'],
  summary: 'Token endpoint (RFC 6749 §3.2)',
  description:
    'Issues access tokens. Clients authenticate with private_key_jwt (client_assertion), or with client_secret_basic / client_secret_post where their onboarding record allows it; exactly one method per request.',
  security: [{ clientSecretBasic: [] }, {}],
  request: {
    body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: TokenRequest } } },
  },
  responses: {
    200: json(TokenResponse, 'An access token', {
      'Cache-Control': { description: 'RFC 6749 §5.1', schema: { type: 'string', enum: ['no-store'] } },
      Pragma: { description: 'RFC 6749 §5.1', schema: { type: 'string', enum: ['no-cache'] } },
    }),
    400: oauthError(400, 'Invalid request (RFC 6749 §5.2)'),
    401: oauthError(401, 'Client authentication failed', {
      'WWW-Authenticate': { description: 'When the client used HTTP Basic', schema: { type: 'string' } },
    }),
    500: oauthError(500, 'Unexpected server error; details only in the server log'),
    503: oauthError(503, 'The store is unavailable; retry later', {
      'Retry-After': { description: 'Seconds', schema: { type: 'integer' } },
    }),
  },
});

const jwksRoute = createRoute({
  method: 'get',
  path: '/oauth2/jwks',
  operationId: 'jwks',
  tags: ['Authorization server'],
  summary: 'Public keys that verify the access tokens (RFC 7517)',
  responses: { 200: json(JsonWebKeySet, 'The JWK set') },
});

const metadataRoute = (path: string, operationId: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    operationId,
    tags: ['Authorization server'],
    summary,
    responses: { 200: json(ServerMetadata, 'The server metadata') },
  });

/** The authorization server's OpenAPI 3.0.3 document, servers rooted at `publicUrl`. */
export function authServerDocument(publicUrl: string) {
  const docs = new OpenAPIHono();
  const registry = docs.openAPIRegistry;
  registry.registerComponent('headers', 'x-correlator', {
    description: 'Correlation id for the different services',
    schema: { type: 'string', pattern: X_CORRELATOR_PATTERN.source },
  });
  registry.registerComponent('securitySchemes', 'clientSecretBasic', { type: 'http', scheme: 'basic' });
  registry.registerPath(tokenRoute);
  registry.registerPath(jwksRoute);
  registry.registerPath(
    metadataRoute('/.well-known/openid-configuration', 'openidConfiguration', 'OpenID Connect Discovery 1.0'),
  );
  registry.registerPath(
    metadataRoute(
      '/.well-known/oauth-authorization-server',
      'authorizationServerMetadata',
      'OAuth 2.0 Authorization Server Metadata (RFC 8414)',
    ),
  );
  const document = docs.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: 'Authorization server',
      version: '0.1.0',
      description:
        'The OAuth 2.0 / OpenID Connect authorization server of camara-gateway: it issues the access tokens that the CAMARA APIs require, following the CAMARA Security and Interoperability Profile.',
      license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0.html' },
    },
    servers: serversOf(publicUrl),
  });
  return canonicalDocument(document);
}
