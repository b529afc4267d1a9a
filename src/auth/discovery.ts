import { ASSERTION_ALGS } from './client-auth.js';
import { SUPPORTED_GRANTS } from './token-endpoint.js';

/**
 * RFC 8414 / OIDC Discovery metadata: exactly what this server supports, nothing more.
 */
export function discoveryDocument(issuer: string, scopes: readonly string[]) {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth2/token`,
    jwks_uri: `${issuer}/oauth2/jwks`,
    grant_types_supported: SUPPORTED_GRANTS,
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    scopes_supported: [...scopes],
    response_types_supported: [],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['ES256'],
    service_documentation: `${issuer}/docs`,
  };
}
