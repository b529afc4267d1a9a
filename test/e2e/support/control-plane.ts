import { buildDeps } from '../../../src/bootstrap.js';
import { parseConfig } from '../../../src/config.js';
import type { Deps } from '../../../src/deps.js';
import { silentLogger } from '../../../src/log.js';
import { RedisStore } from '../../../src/store/redis.js';

/**
 * The operator's side of a deployment of several instances: the platform's own dependencies on the
 * deployment's Redis (env: REDIS_URL, REDIS_KEY_PREFIX and the shared secrets), so that a test or a
 * bench calls src/admin/kill-switch.ts exactly as the admin routes of an instance do.
 */
export async function controlPlane(
  env: Record<string, string>,
): Promise<{ deps: Deps; close(): Promise<void> }> {
  const store = new RedisStore({ url: env.REDIS_URL as string, keyPrefix: env.REDIS_KEY_PREFIX as string });
  await store.connect();
  const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const deps = await buildDeps(config, { store, logger: silentLogger });
  return { deps, close: () => store.close() };
}
