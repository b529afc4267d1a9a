import { ApplicationRegistry } from './admin/applications.js';
import { SigningKeys, secretFrom } from './auth/keys.js';
import { TokenService } from './auth/tokens.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import { createLogger, type Logger } from './log.js';
import type { NetworkBackend } from './network/port.js';
import { SandboxNetwork } from './network/sandbox.js';
import { DEFAULT_PLANS } from './ratelimit/plans.js';
import { sandboxApplications, SANDBOX_SUBSCRIBERS } from './sandbox-seed.js';
import type { Store } from './store/port.js';

export type BuildOptions = {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  network?: NetworkBackend;
  keys?: SigningKeys;
  tokenSecret?: Uint8Array<ArrayBuffer>;
  /** A synchronous hex SHA-256 for the token cache, from a runtime that has one (Node). */
  tokenDigest?: (token: string) => string;
};

/** Builds the request dependencies from configuration; runtime-neutral (Node and workerd). */
export async function buildDeps(config: Config, options: BuildOptions): Promise<Deps> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const keys =
    options.keys ??
    (config.signingKeys ? await SigningKeys.fromJwkSet(config.signingKeys) : await SigningKeys.generate());
  const tokens = new TokenService({
    keys,
    secret: options.tokenSecret ?? secretFrom(config.tokenSecret),
    issuer: config.publicUrl,
    audience: config.publicUrl,
    clock,
    ttlSeconds: config.accessTokenTtlSeconds,
    cacheSize: config.tokenCacheSize,
    digest: options.tokenDigest,
  });
  return {
    config,
    clock,
    logger,
    store: options.store,
    network: options.network ?? new SandboxNetwork(SANDBOX_SUBSCRIBERS, clock),
    keys,
    tokens,
    applications: new ApplicationRegistry(options.store, clock),
    plans: DEFAULT_PLANS,
  };
}

/** Writes the sandbox applications (demo credentials) into the store. */
export async function seedSandbox(deps: Deps): Promise<void> {
  for (const app of await sandboxApplications()) await deps.applications.put(app);
}
