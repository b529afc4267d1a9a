import { ApplicationRegistry } from './admin/applications.js';
import { JwksUriKeys } from './admin/jwks-uri-cache.js';
import { noJwksFetch, type JwksFetch } from './admin/jwks-uri.js';
import { PartnerRegistry } from './admin/partners.js';
import { ClientSecrets } from './admin/secrets.js';
import { RETENTION_MARGIN_S, SigningKeys, secretFrom } from './auth/keys.js';
import { TokenService } from './auth/tokens.js';
import { systemClock, type Clock } from './clock.js';
import { ConfigError, type Config } from './config.js';
import { ConsentLinks } from './consent/links.js';
import { SandboxOutbox, type ConsentNotifier } from './consent/notifier.js';
import { DEFAULT_PURPOSES, PurposeRegistry } from './consent/purposes.js';
import { deriveKey } from './consent/secrets.js';
import { StoreConsentService } from './consent/service.js';
import type { Deps } from './deps.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics/platform.js';
import type { NetworkBackend } from './network/port.js';
import { HttpNetwork } from './network/http.js';
import { SandboxNetwork } from './network/sandbox.js';
import { Pseudonymizer } from './privacy/pseudonym.js';
import { DEFAULT_PLANS } from './ratelimit/plans.js';
import { SANDBOX_SUBSCRIBERS, seedSandboxPartner, servesSandbox } from './sandbox-seed.js';
import { StoreOutageLog } from './store/outage-log.js';
import type { Store } from './store/port.js';

export type BuildOptions = {
  store: Store;
  clock?: Clock;
  logger?: Logger;
  network?: NetworkBackend;
  keys?: SigningKeys;
  tokenSecret?: Uint8Array<ArrayBuffer>;
  /** A faster hex SHA-256 for the token cache, from a runtime that has one (Node); default src/hash.ts. */
  tokenDigest?: (token: string) => string;
  /** The operator's channel for consent links; default: the sandbox outbox (logs the link). */
  consentNotifier?: ConsentNotifier;
  /** The series to record into; default: a new set (one per process or Worker isolate). */
  metrics?: Metrics;
  /**
   * How this runtime fetches a client's jwks_uri (src/runtime/*-jwks-fetch.ts, chosen by the
   * entry); default: none, an application registered by jwks_uri then fails authentication.
   */
  jwksFetch?: JwksFetch;
};

/** Builds the request dependencies from configuration; runtime-neutral (Node and workerd). */
export async function buildDeps(config: Config, options: BuildOptions): Promise<Deps> {
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? new Metrics();
  const logger = options.logger ?? createLogger(config.logLevel);
  const storeOutage = new StoreOutageLog(logger, clock);
  options.store.watch?.(storeOutage);
  const keyOptions = { clock, retentionSeconds: config.accessTokenTtlSeconds + RETENTION_MARGIN_S };
  const keys =
    options.keys ??
    (config.signingKeys
      ? await SigningKeys.fromJwkSet(config.signingKeys, keyOptions).catch((e: Error) => {
          throw new ConfigError([e.message]);
        })
      : await SigningKeys.generate({ ...keyOptions, rotationHours: config.signingKeyRotationHours }));
  const secret = options.tokenSecret ?? secretFrom(config.tokenSecret);
  const tokens = new TokenService({
    keys,
    secret,
    issuer: config.publicUrl,
    audience: config.publicUrl,
    clock,
    ttlSeconds: config.accessTokenTtlSeconds,
    cacheSize: config.tokenCacheSize,
    digest: options.tokenDigest,
  });
  const clientSecrets = await ClientSecrets.create(await deriveKey(secret, 'client-secret'));
  // The sandbox writes its demo applications again when the store lost them (DESIGN §3); a
  // production registry is the operator's to restore, never invented by the platform.
  const sandbox = servesSandbox(config);
  // Set once the dependencies exist: the re-seed runs the admin service layer over them.
  const built: { deps?: Deps } = {};
  const applications = new ApplicationRegistry(options.store, clock, {
    logger,
    reseed: sandbox
      ? (_registry, store) => seedSandboxPartner(onStore(built.deps as Deps, store))
      : undefined,
  });
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
    capturesPerDay: config.consent.capturesPerDay,
    metrics,
  });
  built.deps = {
    config,
    clock,
    logger,
    store: options.store,
    network: options.network ?? networkFrom(config, clock, logger),
    keys,
    tokens,
    applications,
    partners: new PartnerRegistry(options.store),
    jwksUriKeys: new JwksUriKeys({
      fetch: options.jwksFetch ?? noJwksFetch,
      clock,
      logger,
      allowHttpLoopback: config.jwksUri.allowHttpLoopback,
    }),
    clientSecrets,
    consent,
    consentManager: consent,
    consentLinks,
    consentNotifier,
    purposes,
    pseudonyms,
    // A copy: an operator (or a test) adding a plan changes this platform, not the defaults.
    plans: { ...DEFAULT_PLANS },
    metrics,
    storeOutage,
  };
  return built.deps;
}

/**
 * The same platform over another connection to the same store: what a Worker builds per request,
 * since a connection there lives no longer than its request (DESIGN §3). Everything else (keys,
 * the token and application caches, the pseudonymizer) is shared; only the store-bound services
 * are bound anew, which costs a few allocations. The outage log stays the isolate's: the new
 * connection's first success ends an outage that earlier connections saw begin.
 */
export function onStore(deps: Deps, store: Store): Deps {
  if (!(deps.consent instanceof StoreConsentService)) {
    throw new Error('onStore: the consent service is not bound to the store');
  }
  store.watch?.(deps.storeOutage);
  const applications = deps.applications.on(store);
  const consent = deps.consent.on(store, applications);
  const partners = deps.partners.on(store);
  return { ...deps, store, applications, partners, consent, consentManager: consent };
}

/**
 * Writes the sandbox applications (demo credentials) into the store. Tests seed them beside any
 * backend; production never: their secrets are published.
 */
export async function seedSandbox(deps: Deps): Promise<void> {
  if (deps.config.env === 'production') {
    throw new ConfigError(['NODE_ENV: the sandbox applications are never loaded in production']);
  }
  await seedSandboxPartner(deps);
}

/** The NetworkBackend adapter that the configuration names. */
function networkFrom(config: Config, clock: Clock, logger: Logger): NetworkBackend {
  if (config.networkHttp !== undefined) return new HttpNetwork({ ...config.networkHttp, logger });
  return new SandboxNetwork(SANDBOX_SUBSCRIBERS, clock);
}
