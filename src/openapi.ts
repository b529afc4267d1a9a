import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiModule } from './api-module.js';
import type { Env } from './http/env.js';

/**
 * The OpenAPI 3.0.3 document of one API, generated from its routes' zod schemas. The committed
 * copies in openapi/ are compared with this output by test/conformance.
 */
export function apiDocument(module: ApiModule, router: OpenAPIHono<Env>, publicUrl: string) {
  const document = router.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: module.title,
      version: module.version,
      description: `${module.title} as exposed by camara-gateway. Every call needs an OAuth 2.0 access token from this platform's authorization server with one of the scopes listed for the operation and a declared purpose.`,
      'x-camara-commonalities': '0.6',
    } as never,
    servers: [{ url: `${publicUrl}${module.basePath}` }],
  });
  // Commonalities: the only security scheme is openIdConnect, pointing at the provider's discovery.
  document.components = {
    ...document.components,
    securitySchemes: {
      openId: { type: 'openIdConnect', openIdConnectUrl: `${publicUrl}/.well-known/openid-configuration` },
    },
  };
  return document;
}
