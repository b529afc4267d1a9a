import { OpenAPIHono } from '@hono/zod-openapi';
import { X_CORRELATOR_PATTERN } from '../http/correlator.js';
import { canonicalDocument, serversOf } from '../openapi.js';
import {
  authorizeGetRoute,
  authorizePostRoute,
  continueRoute,
  REDIRECT_SCHEMAS,
} from './openapi/authorize.js';
import { bcAuthorizeRoute } from './openapi/ciba.js';
import { jwksRoute, metadataRoute } from './openapi/metadata.js';
import { introspectRoute, revokeRoute } from './openapi/token-management.js';
import { tokenRoute } from './openapi/token.js';

/**
 * The OpenAPI document of the authorization server: every endpoint it mounts (src/auth/index.ts),
 * with every error its code can answer. Documentation only: the handlers stay plain Hono, and
 * test/conformance/auth-openapi*.test.ts check their real answers and their sources against it.
 */

export {
  AUTHORIZE_ERRORS,
  AUTHORIZE_REDIRECT_ERRORS,
  CONTINUE_ERRORS,
  CONTINUE_REDIRECT_ERRORS,
} from './openapi/authorize.js';
export { BC_AUTHORIZE_ERRORS, BackchannelAuthenticationResponse } from './openapi/ciba.js';
export type { EndpointErrors } from './openapi/common.js';
export { JsonWebKeySet, ServerMetadata } from './openapi/metadata.js';
export {
  INTROSPECTION_ERRORS,
  IntrospectionResponse,
  REVOCATION_ERRORS,
} from './openapi/token-management.js';
export { TOKEN_ENDPOINT_ERRORS, TokenResponse } from './openapi/token.js';

/** The version of the authorization server's interface: its document's and the API inventory's. */
export const AUTH_SERVER_VERSION = '0.1.0';

/** The authorization server's OpenAPI 3.0.3 document, servers rooted at `publicUrl`. */
export function authServerDocument(publicUrl: string) {
  const docs = new OpenAPIHono();
  const registry = docs.openAPIRegistry;
  registry.registerComponent('headers', 'x-correlator', {
    description: 'Correlation id for the different services',
    schema: { type: 'string', pattern: X_CORRELATOR_PATTERN.source },
  });
  registry.registerComponent('securitySchemes', 'clientSecretBasic', { type: 'http', scheme: 'basic' });
  for (const [name, schema] of Object.entries(REDIRECT_SCHEMAS)) registry.register(name, schema);
  for (const route of [
    authorizeGetRoute,
    authorizePostRoute,
    continueRoute,
    bcAuthorizeRoute,
    tokenRoute,
    introspectRoute,
    revokeRoute,
    jwksRoute,
  ]) {
    registry.registerPath(route);
  }
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
      version: AUTH_SERVER_VERSION,
      description:
        'The OAuth 2.0 / OpenID Connect authorization server of camara-gateway: it issues the access tokens that the CAMARA APIs require, following the CAMARA Security and Interoperability Profile.',
      license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0.html' },
    },
    servers: serversOf(publicUrl),
  });
  return canonicalDocument(document);
}
