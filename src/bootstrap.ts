import { ApplicationRegistry } from './admin/applications.js';
import { SigningKeys, secretFrom } from './auth/keys.js';
import { TokenService } from './auth/tokens.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { ConsentLinks } from './consent/links.js';
import { SandboxOutbox, type ConsentNotifier } from './consent/notifier.js';
import { DEFAULT_PURPOSES, PurposeRegistry } from './consent/purposes.js';
import { deriveKey } from './consent/secrets.js';
import { StoreConsentService } from './consent/service.js';
import type { Deps } from './deps.js';
import { createLogger, type Logger } from './log.js';
import type { NetworkBackend } from './network/port.js';
import { Pseudonymizer } from './privacy/pseudonym.js';
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
  /** The operator's channel for consent links; default: the sandbox outbox (logs the link). */
  consentNotifier?: ConsentNotifier;
};

/** Builds the request dependencies from configuration; runtime-neutral (Node and workerd). */
export async function buildDeps(config: Config, options: BuildOptions): Promise<Deps> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const keys =
    options.keys ??
    (config.signingKeys ? await SigningKeys.fromJwkSet(config.signingKeys) : await SigningKeys.generate());
  const secret = options.tokenSecret ?? secretFrom(config.tokenSecret);
  const tokens = new TokenService({
    keys,
    secret,
    issuer: config.publicUrl,
    audience: config.publicUrl,
    clock,
    ttlSeconds: config.accessTokenTtlSeconds,
    cacheSize: config.tokenCacheSize,
  });
  const applications = new ApplicationRegistry(options.store, clock);
  const purposes = new PurposeRegistry(config.purposeRegistry ?? DEFAULT_PURPOSES, config.market);
  const pseudonyms = config.pseudonymKeys
    ? await Pseudonymizer.fromKeys(config.pseudonymKeys)
    : await Pseudonymizer.ephemeral();
  const consentLinks = await ConsentLinks.create(await deriveKey(secret, 'consent-link'), config.publicUrl);
  const consentNotifier = options.consentNotifier ?? new SandboxOutbox(logger, clock);
  const consent = new StoreConsentService({
    store: options.store,
    applications,
    purposes,
    pseudonyms,
    links: consentLinks,
    notifier: consentNotifier,
    clock,
    logger,
    sealKey: await deriveKey(secret, 'consent-seal'),
  });
  return {
    config,
    clock,
    logger,
    store: options.store,
    network: options.network ?? new SandboxNetwork(SANDBOX_SUBSCRIBERS, clock),
    keys,
    tokens,
    applications,
    consent,
    consentManager: consent,
    consentLinks,
    consentNotifier,
    purposes,
    pseudonyms,
    plans: DEFAULT_PLANS,
  };
}

/** Writes the sandbox applications (demo credentials) into the store. */
export async function seedSandbox(deps: Deps): Promise<void> {
  for (const app of await sandboxApplications()) await deps.applications.put(app);
}
