import type { Context } from 'hono';
import type { Env } from './env.js';

/**
 * A request header exactly as `c.req.header(name)` gives it, for a lower-case `name`, read
 * through the runtime the entry chose (runtime/): on Node, without building a Headers object.
 */
export function requestHeader(c: Context<Env>, name: string): string | undefined {
  return c.get('runtime').header(c, name);
}
