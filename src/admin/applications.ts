import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { StoreUnavailableError, type Store } from '../store/port.js';
import { applicationKeys } from '../store/keys.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A partner application as onboarded by the operator. */
export type Application = {
  clientId: string;
  name: string;
  status: 'active' | 'suspended';
  plan: string;
  authMethods: readonly ClientAuthMethod[];
  /** HMAC-SHA-256 of the client secret under a server key (never the secret itself); see secrets.ts. */
  secretHash?: string | undefined;
  /**
   * Client secrets issued through the admin API (admin/v1/credentials.ts): each with its expiry;
   * any unexpired, unrevoked one authenticates. `secretHash` stays honoured for older records.
   */
  credentials?: readonly Credential[] | undefined;
  /** Public keys for private_key_jwt (RFC 7523 §2.2). */
  jwks?: { keys: JWK[] } | undefined;
  grantTypes: readonly string[];
  /** CAMARA scopes the application may request. */
  scopes: readonly string[];
  /** `dpv:` purposes the application may declare. */
  purposes: readonly string[];
  /** APIs for which the onboarding agreement allows 2-legged (client credentials) access. */
  twoLeggedApis: readonly string[];
  /** Authorization code flow: the exact redirect URIs registered at onboarding (RFC 6749 §3.1.2). */
  redirectUris?: readonly string[] | undefined;
  /** The partner (admin/partners.ts) that owns the application; absent on records written before partners. */
  partnerId?: string | undefined;
  /** Who the operator calls about this application (never a subscriber). */
  contact?: { name?: string | undefined; email: string } | undefined;
  /** Validity period (ms since the epoch): outside it the application is refused like a suspended one. */
  validFrom?: number | undefined;
  validUntil?: number | undefined;
  /** private_key_jwt keys fetched from the client's own URL (admin/jwks-uri.ts), instead of `jwks`. */
  jwksUri?: string | undefined;
};

/** A client secret as stored: its HMAC only (secrets.ts), never the secret. Times in ms since the epoch. */
export type Credential = {
  id: string;
  kind: 'client_secret';
  hash: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number | undefined;
};

const KEY = applicationKeys.record;
/**
 * Written with every application record: its absence, when a lookup misses, means the store lost
 * the registry (Redis restarted without persistence, flushed, or evicting keys), not that the
 * client is unknown. DESIGN §3: such a store is unavailable (503), never a 401.
 */
const MARKER_KEY = applicationKeys.registryMarker;
const CACHE_MS = 30_000;
/** One alert per this window while the loss lasts, not one per request. */
const ALERT_EVERY_MS = 60_000;
/** Restoring records is an operator's job: callers need not retry every second meanwhile. */
const RESTORE_RETRY_S = 30;

/** The store answers but the application registry is gone from it: unavailable, never "unknown client". */
export class RegistryLostError extends StoreUnavailableError {
  constructor(retryAfterSeconds: number) {
    super(undefined, retryAfterSeconds);
    this.name = 'RegistryLostError';
    this.message = 'application registry lost from the store';
  }
}

export type RegistryOptions = {
  logger?: Logger | undefined;
  /** Sandbox only: writes the demo applications again when the registry is found lost. */
  reseed?: ((registry: ApplicationRegistry, store: Store) => Promise<void>) | undefined;
};

/**
 * Application records in the store, read through a short in-process cache so that the hot path
 * does not pay a store round trip for the plan (changes apply within CACHE_MS).
 */
export class ApplicationRegistry {
  // Shared by the registries of one platform over several connections (on()).
  private state: {
    cache: Map<string, { app: Application | null; until: number }>;
    lastAlert: number;
    reseeding: Promise<void> | undefined;
  } = { cache: new Map(), lastAlert: Number.NEGATIVE_INFINITY, reseeding: undefined };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: RegistryOptions = {},
  ) {}

  /**
   * The same registry over another connection to the same store (a Worker opens one per request):
   * the in-process cache and the alert window stay shared, so the hot path keeps its one round trip.
   */
  on(store: Store): ApplicationRegistry {
    const registry = new ApplicationRegistry(store, this.clock, this.options);
    registry.state = this.state;
    return registry;
  }

  /** The application, or null when the registry is intact and does not hold it; RegistryLostError else. */
  async get(clientId: string): Promise<Application | null> {
    const now = this.clock.now();
    const hit = this.state.cache.get(clientId);
    if (hit !== undefined && hit.until > now) return hit.app;
    // Both reads leave in the same round trip; the marker costs nothing more on the miss path.
    const [raw, marker] = await Promise.all([this.store.get(KEY(clientId)), this.store.get(MARKER_KEY)]);
    if (raw === null && marker === null) throw await this.lost(now);
    // A record proves the registry is there: records written without the marker (by hand, or
    // before it existed) get one, so that a later loss is told from an unknown client.
    if (marker === null) await this.store.set(MARKER_KEY, String(now));
    const app = raw === null ? null : (JSON.parse(raw) as Application);
    if (this.state.cache.size > 10_000) this.state.cache.clear();
    this.state.cache.set(clientId, { app, until: now + CACHE_MS });
    return app;
  }

  async put(app: Application): Promise<void> {
    await this.store.set(KEY(app.clientId), JSON.stringify(app));
    await this.store.set(MARKER_KEY, String(this.clock.now()));
    this.state.cache.delete(app.clientId);
  }

  /**
   * The store lost the registry: alert (once per window), re-seed the sandbox, and refuse this
   * request as unavailable. Nothing is cached, so the platform serves again as soon as the
   * records are back (restored by the operator, or re-seeded).
   */
  private async lost(now: number): Promise<RegistryLostError> {
    const { logger, reseed } = this.options;
    if (now - this.state.lastAlert >= ALERT_EVERY_MS) {
      this.state.lastAlert = now;
      logger?.error(
        'APPLICATION REGISTRY LOST: the store answers but holds no application records (Redis restarted without persistence, flushed, or evicting keys). Every client is refused with 503 until the records are restored; see README "Redis".',
        { reseed: reseed !== undefined },
      );
    }
    if (reseed === undefined) return new RegistryLostError(RESTORE_RETRY_S);
    this.state.reseeding ??= reseed(this, this.store)
      .catch((error: unknown) => logger?.error('sandbox re-seed failed', { error: String(error) }))
      .finally(() => (this.state.reseeding = undefined));
    await this.state.reseeding;
    return new RegistryLostError(1); // re-seeded: the next request is served
  }

  /**
   * Replaces a legacy secret record by its current form after a successful use. Read from the
   * store, not the cache, and written only while the record still holds `from`: a change made
   * meanwhile (suspension, a new secret) is never overwritten with a stale copy.
   */
  async upgradeSecretHash(clientId: string, from: string, to: string): Promise<void> {
    const raw = await this.store.get(KEY(clientId));
    if (raw === null) return;
    const app = JSON.parse(raw) as Application;
    if (app.secretHash !== from) return;
    await this.put({ ...app, secretHash: to });
  }
}
