import { ASSERTION_ALGS } from './assertion-rules.js';
import { CLIENT_AUTH_METHODS } from './client-auth.js';
import { SIGNING_ALG } from './keys.js';
import { SUPPORTED_GRANTS } from './token-endpoint.js';

type Route = { method: string; path: string };
type Metadata = Record<string, unknown>;

const clientAuth = (prefix: string): Metadata => ({
  [`${prefix}_auth_methods_supported`]: [...CLIENT_AUTH_METHODS],
  [`${prefix}_auth_signing_alg_values_supported`]: ASSERTION_ALGS,
});

/**
 * What each endpoint contributes to the metadata, when its route is mounted. The document is
 * built from the routes the authorization server really has, so it cannot advertise an endpoint
 * that is missing nor miss one that exists (test/api/auth-discovery.test.ts checks both ways).
 */
export const ENDPOINT_METADATA: Record<string, (url: string) => Metadata> = {
  'POST /oauth2/token': (url) => ({
    token_endpoint: url,
    grant_types_supported: [...SUPPORTED_GRANTS],
    ...clientAuth('token_endpoint'),
  }),
  'GET /oauth2/jwks': (url) => ({ jwks_uri: url }),
  'POST /oauth2/introspect': (url) => ({
    introspection_endpoint: url,
    ...clientAuth('introspection_endpoint'),
  }),
  'POST /oauth2/revoke': (url) => ({ revocation_endpoint: url, ...clientAuth('revocation_endpoint') }),
  // ICM: authorization code with PKCE (S256 only; `plain` protects nothing) and signed requests.
  'GET /oauth2/authorize': (url) => ({
    authorization_endpoint: url,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true, // RFC 9207
  }),
  // ICM: CIBA in poll mode only.
  'POST /oauth2/bc-authorize': (url) => ({
    backchannel_authentication_endpoint: url,
    backchannel_token_delivery_modes_supported: ['poll'],
    backchannel_authentication_request_signing_alg_values_supported: ASSERTION_ALGS,
    backchannel_user_code_parameter_supported: false,
  }),
};

/** Routes of the authorization server that are not endpoints of the metadata. */
export const NOT_ADVERTISED = new Set([
  'GET /.well-known/openid-configuration',
  'GET /.well-known/oauth-authorization-server',
  'POST /oauth2/authorize', // the same endpoint as GET (OIDC Core §3.1.2.1)
  'GET /oauth2/authorize/continue', // where the consent page sends the browser back
]);

/** Claims of the ID tokens issued by the user flows (OIDC Core §2; `sub` is pairwise). */
const ID_TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'at_hash'];

/**
 * RFC 8414 / OIDC Discovery metadata: exactly what this server supports, nothing more.
 * `routes` are the authorization server's mounted routes (Hono `router.routes`).
 */
export function discoveryDocument(issuer: string, scopes: readonly string[], routes: readonly Route[]) {
  const mounted = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const endpoints: Metadata = {};
  for (const [route, metadata] of Object.entries(ENDPOINT_METADATA)) {
    if (mounted.has(route)) Object.assign(endpoints, metadata(`${issuer}${route.split(' ')[1]}`));
  }
  // ID tokens, `openid` and signed request objects come with a user flow (authorize or CIBA).
  const userFlows =
    'authorization_endpoint' in endpoints || 'backchannel_authentication_endpoint' in endpoints;
  const protocolScopes = userFlows
    ? ['openid', ...(SUPPORTED_GRANTS.includes('refresh_token') ? ['offline_access'] : [])]
    : [];
  return {
    issuer,
    response_types_supported: [], // RFC 8414: required; empty without an authorization endpoint
    ...endpoints,
    scopes_supported: [...protocolScopes, ...scopes],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    ...(userFlows
      ? {
          claims_supported: ID_TOKEN_CLAIMS,
          claims_parameter_supported: false,
          // ICM: the AS MUST support signed authentication requests (RFC 9101).
          request_parameter_supported: true,
          request_uri_parameter_supported: false,
          request_object_signing_alg_values_supported: ASSERTION_ALGS,
        }
      : {}),
  };
}
