import type { ApplicationRegistry } from './admin/applications.js';
import type { SigningKeys } from './auth/keys.js';
import type { TokenService } from './auth/tokens.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { ConsentService } from './consent/port.js';
import type { Logger } from './log.js';
import type { NetworkBackend } from './network/port.js';
import type { Plan } from './ratelimit/plans.js';
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
  consent: ConsentService;
  plans: Record<string, Plan>;
};
