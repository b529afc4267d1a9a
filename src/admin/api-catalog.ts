import { Hono } from 'hono';
import type { Env } from '../http/env.js';
import { absolute } from './lifecycle.js';
import { requireOperator } from './operator-auth.js';
import { API_CATALOG_PATH, statusAt, type InventoryEntry } from './inventory.js';

/** RFC 9727 §4.2: the catalog is a linkset (RFC 9264) with the api-catalog profile. */
export const API_CATALOG_TYPE = 'application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"';

type Target = { href: string; type?: string; title?: string };
type LinkContext = { anchor: string } & Record<string, string | Target[]>;

/**
 * The public catalog: the interfaces a developer calls (the CAMARA APIs and the authorization
 * server) that still answer. Operator, consent-page, sandbox and health surfaces are not APIs
 * offered to developers; retired versions answer 410 with their successor instead.
 */
export function apiCatalog(
  inventory: readonly InventoryEntry[],
  publicUrl: string,
  now: number,
): { linkset: LinkContext[] } {
  const linkset: LinkContext[] = [];
  for (const entry of inventory) {
    if (entry.surface !== 'camara-api' && entry.surface !== 'authorization-server') continue;
    if (statusAt(entry, now) === 'retired') continue;
    const context: LinkContext = { anchor: `${publicUrl}${entry.basePath ?? ''}` };
    if (entry.openapi !== undefined)
      context['service-desc'] = [
        {
          href: `${publicUrl}${entry.openapi}`,
          type: 'application/vnd.oai.openapi+json',
          title: entry.title,
        },
      ];
    if (entry.surface === 'authorization-server')
      context['service-meta'] = [
        { href: `${publicUrl}/.well-known/openid-configuration`, type: 'application/json' },
      ];
    context.status = [{ href: `${publicUrl}/health`, type: 'application/json' }];
    const successor = entry.deprecation?.successor;
    if (successor !== undefined) context['successor-version'] = [{ href: absolute(publicUrl, successor) }];
    linkset.push(context);
  }
  return { linkset };
}

/** The inventory as operators read it: every entry with its status now. */
export function inventoryDocument(inventory: readonly InventoryEntry[], now: number) {
  return { apis: inventory.map((entry) => ({ ...entry, status: statusAt(entry, now) })) };
}

/** `GET /.well-known/api-catalog` (RFC 9727), public; HEAD is answered by Hono from GET. */
export function apiCatalogRoutes(inventory: readonly InventoryEntry[]): Hono<Env> {
  const router = new Hono<Env>();
  router.get(API_CATALOG_PATH, (c) => {
    const { config, clock } = c.get('deps');
    // RFC 9727 §2: the catalog names itself with the api-catalog relation, on GET and HEAD alike.
    c.header('Link', `<${config.publicUrl}${API_CATALOG_PATH}>; rel="api-catalog"`);
    return c.body(JSON.stringify(apiCatalog(inventory, config.publicUrl, clock.now())), 200, {
      'content-type': API_CATALOG_TYPE,
    });
  });
  return router;
}

/**
 * `GET /internal/inventory`, read-only, for the operator's keys. A GET has no body: the route
 * carries its own operator check and is mounted ahead of the `/internal/*` JSON-body step.
 */
export function internalInventoryRoutes(inventory: readonly InventoryEntry[]): Hono<Env> {
  const router = new Hono<Env>();
  router.get('/internal/inventory', requireOperator, (c) =>
    c.json(inventoryDocument(inventory, c.get('deps').clock.now())),
  );
  return router;
}
