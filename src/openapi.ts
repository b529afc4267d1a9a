import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiModule } from './api-module.js';
import type { Env } from './http/env.js';

type Document = Record<string, unknown>;

/** Where the generated documents point when no deployment is known (the default PUBLIC_URL). */
export const DEFAULT_API_ROOT = 'http://localhost:8080';

/**
 * The `servers` entry of every document, in the CAMARA form `{apiRoot}/<api-name>/<version>`:
 * the committed files and the served copies differ only in the variable's default.
 */
export function serversOf(publicUrl: string, basePath = '') {
  return [
    {
      url: `{apiRoot}${basePath}`,
      variables: {
        apiRoot: {
          default: publicUrl,
          description:
            'API root, defined by the service provider, e.g. `api.example.com` or `api.example.com/somepath`',
        },
      },
    },
  ];
}

const TOP_LEVEL = ['openapi', 'info', 'externalDocs', 'servers', 'security', 'tags', 'paths', 'components'];
const COMPONENTS = ['securitySchemes', 'parameters', 'headers', 'schemas', 'responses', 'examples'];

/**
 * A deterministic copy of a document: top-level keys and component kinds in the CAMARA order,
 * component entries sorted by name, empty component maps dropped, no shared sub-objects. The
 * committed files are compared byte for byte with this, so the order must not depend on the order
 * in which schemas happen to be registered.
 */
export function canonicalDocument(document: object): Document {
  const plain = JSON.parse(JSON.stringify(document)) as Document;
  const components = (plain.components ?? {}) as Record<string, Record<string, unknown>>;
  const sortedComponents: Record<string, Record<string, unknown>> = {};
  for (const kind of ordered(Object.keys(components), COMPONENTS)) {
    const entries = Object.entries(components[kind] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length > 0) sortedComponents[kind] = Object.fromEntries(entries);
  }
  const result: Document = {};
  for (const key of ordered(Object.keys(plain), TOP_LEVEL)) {
    if (key === 'components') {
      if (Object.keys(sortedComponents).length > 0) result.components = sortedComponents;
    } else result[key] = plain[key];
  }
  return result;
}

/** `keys` in the order of `known`, then the others sorted. */
function ordered(keys: string[], known: readonly string[]): string[] {
  const rest = keys.filter((k) => !known.includes(k)).sort();
  return [...known.filter((k) => keys.includes(k)), ...rest];
}

/**
 * The OpenAPI 3.0.3 document of one API, generated from its routes' zod schemas. The committed
 * copies in openapi/ are compared with this output by test/conformance.
 */
export function apiDocument(module: ApiModule, router: OpenAPIHono<Env>, publicUrl: string): Document {
  const document = router.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: module.title,
      version: module.version,
      description: `${module.title} as exposed by camara-gateway. Every call needs an OAuth 2.0 access token from this platform's authorization server with one of the scopes listed for the operation and a declared purpose.`,
      license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0.html' },
      'x-camara-commonalities': '0.6',
    } as never,
    servers: serversOf(publicUrl, module.basePath),
  });
  // Commonalities: the only security scheme is openIdConnect, pointing at the provider's discovery.
  document.components = {
    ...document.components,
    securitySchemes: {
      openId: { type: 'openIdConnect', openIdConnectUrl: `${publicUrl}/.well-known/openid-configuration` },
    },
  };
  return canonicalDocument(document);
}
