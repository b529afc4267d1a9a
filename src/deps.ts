import type { ApplicationRegistry } from './admin/applications.js';
import type { JwksUriKeys } from './admin/jwks-uri-cache.js';
import type { PartnerRegistry } from './admin/partners.js';
import type { ClientSecrets } from './admin/secrets.js';
import type { SigningKeys } from './auth/keys.js';
import type { TokenService } from './auth/tokens.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { ConsentLinks } from './consent/links.js';
import type { ConsentNotifier } from './consent/notifier.js';
import type { ConsentManager, ConsentService } from './consent/port.js';
import type { PurposeRegistry } from './consent/purposes.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics/platform.js';
import type { NetworkBackend } from './network/port.js';
import type { Pseudonymizer } from './privacy/pseudonym.js';
import type { Plan } from './ratelimit/plans.js';
import type { StoreOutageLog } from './store/outage-log.js';
import type { Store } from './store/port.js';

/** Everything a request needs, built once by the runtime entry (node.ts, worker.ts) or a test. */
export type Deps = {
  config: Config;
  clock: Clock;
  logger: Logger;
  store: Store;
  network: NetworkBackend;
  keys: SigningKeys;
  tokens: TokenService;
  applications: ApplicationRegistry;
  /** The partners that own applications; a suspended partner's applications are all refused. */
  partners: PartnerRegistry;
  /** Client keys registered by URL (jwks_uri): fetched through the runtime's guarded transport, cached. */
  jwksUriKeys: JwksUriKeys;
  /** Stores and checks client secrets (HMAC-SHA-256 under a key derived from TOKEN_SECRET). */
  clientSecrets: ClientSecrets;
  /** The legal-basis check (token issuance, every resource call) and capture requests. */
  consent: ConsentService;
  /** The same service with decisions, imports, withdrawals and listings (consent routes). */
  consentManager: ConsentManager;
  consentLinks: ConsentLinks;
  /** The operator's channel that delivers consent links to subscribers. */
  consentNotifier: ConsentNotifier;
  purposes: PurposeRegistry;
  /** Keyed pseudonyms of subscriber numbers, for logs, audit records and store keys. */
  pseudonyms: Pseudonymizer;
  plans: Record<string, Plan>;
  /** The process's (or Worker isolate's) Prometheus series, recorded where outcomes are known. */
  metrics: Metrics;
  /** The process's (or Worker isolate's) store outage: logged when it begins, lasts and ends. */
  storeOutage: StoreOutageLog;
};
