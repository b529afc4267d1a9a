import type { Hono, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { Env } from '../http/env.js';
import { statusAt, type InventoryEntry } from './inventory.js';

/** A path of the inventory as an absolute URL of this deployment (URLs pass unchanged). */
export const absolute = (publicUrl: string, target: string) =>
  target.startsWith('/') ? `${publicUrl}${target}` : target;

const successorLink = (publicUrl: string, successor: string) =>
  `<${absolute(publicUrl, successor)}>; rel="successor-version"`;

/**
 * Answers for a version that is on its way out, before anything else it would do (token, limits):
 * a retired version (or a deprecated one past its sunset, read from the injected clock) is
 * 410 GONE whoever asks, since the public catalog says so anyway; a deprecated one answers as
 * usual, errors included, with RFC 9745 `Deprecation`, RFC 8594 `Sunset` and the successor link.
 */
function lifecycleStep(entry: InventoryEntry): MiddlewareHandler<Env> {
  const { deprecation, retired } = entry;
  return async (c, next) => {
    const publicUrl = c.get('deps').config.publicUrl;
    const successor = retired?.successor ?? deprecation?.successor;
    if (statusAt(entry, c.get('deps').clock.now()) === 'retired') {
      const name = entry.version === null ? entry.title : `${entry.title} ${entry.version}`;
      const hint = successor === undefined ? '' : ` Use ${absolute(publicUrl, successor)}.`;
      throw new ApiError(
        'GONE',
        `${name} has been retired.${hint}`,
        successor === undefined ? {} : { Link: successorLink(publicUrl, successor) },
      );
    }
    await next();
    if (deprecation === undefined) return;
    c.header('Deprecation', `@${Math.floor(Date.parse(deprecation.since) / 1000)}`);
    if (deprecation.sunset !== undefined) c.header('Sunset', new Date(deprecation.sunset).toUTCString());
    if (successor !== undefined) c.header('Link', successorLink(publicUrl, successor), { append: true });
  };
}

/**
 * Mounts the lifecycle step of every deprecated or retired version on its base path. Called before
 * the API modules are mounted, so that it runs ahead of their own steps; active versions get none.
 */
export function enforceLifecycle(app: Hono<Env>, inventory: readonly InventoryEntry[]): void {
  for (const entry of inventory) {
    if (entry.basePath === undefined || (entry.deprecation === undefined && entry.retired === undefined))
      continue;
    // `/x/*` matches `/x` itself as well: one registration covers the base path and below.
    app.use(`${entry.basePath}/*`, lifecycleStep(entry));
  }
}
