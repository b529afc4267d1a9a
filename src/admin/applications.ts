import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { ApiError } from '../errors.js';
import type { StoreReads } from '../store/batch.js';
import { StoreUnavailableError, type Store } from '../store/port.js';
import { applicationKeys } from '../store/keys.js';
import { createRecord, seedRecord, updateRecord, type Change } from './record-update.js';

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
   * Client secrets and keys issued through the admin API (admin/v1/credentials.ts,
   * key-credentials.ts): each with its expiry; any unexpired, unrevoked one authenticates.
   * `secretHash`, `jwks` and `jwksUri` stay honoured for older records.
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
  /**
   * Kill switch (kill-switch.ts): access and refresh tokens issued before this time (ms since the
   * epoch) are refused even after the application is resumed, so resuming never revives them.
   */
  tokensNotBefore?: number | undefined;
};

/** What every credential holds: its lifetime and revocation, in ms since the epoch. */
type CredentialLifetime = {
  id: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number | undefined;
};

/** A client secret as stored: its HMAC only (secrets.ts), never the secret. */
export type SecretCredential = CredentialLifetime & { kind: 'client_secret'; hash: string };

/**
 * Public keys for private_key_jwt (admin/v1/key-credentials.ts): a JWK Set by value or a
 * jwks_uri, never both (RFC 7591 §2). Like a secret, it authenticates only until its expiry.
 */
export type KeyCredential = CredentialLifetime & {
  kind: 'key';
  jwks?: { keys: JWK[] } | undefined;
  jwksUri?: string | undefined;
};

export type Credential = SecretCredential | KeyCredential;

const KEY = applicationKeys.record;
/**
 * Written with every application record: its absence, when a lookup misses, means the store lost
 * the registry (Redis restarted without persistence, flushed, or evicting keys), not that the
 * client is unknown. DESIGN §3: such a store is unavailable (503), never a 401.
 */
const MARKER_KEY = applicationKeys.registryMarker;
/** How long `recent` may answer from memory when no fresh read has refreshed its copy. */
const RECENT_MS = 30_000;
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
 * Application records in the store. `get` reads the store on every call: whatever decides whether
 * an application is served (status, validity, revoked tokens) is never taken from memory (DESIGN
 * §3: a suspension acts on the next request, on every instance). `recent` answers from the last
 * record this process read, for what may lag one call (the plan, the partner to read, purposes)
 * so that the protected call keeps its single round trip (pipeline/application.ts).
 */
export class ApplicationRegistry {
  // Shared by the registries of one platform over several connections (on()).
  private state: {
    recent: Map<string, { raw: string; app: Application; until: number }>;
    lastAlert: number;
    reseeding: Promise<void> | undefined;
  } = { recent: new Map(), lastAlert: Number.NEGATIVE_INFINITY, reseeding: undefined };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: RegistryOptions = {},
  ) {}

  /**
   * The same registry over another connection to the same store (a Worker opens one per request):
   * the recent copies and the alert window stay shared, so the hot path keeps its one round trip.
   */
  on(store: Store): ApplicationRegistry {
    const registry = new ApplicationRegistry(store, this.clock, this.options);
    registry.state = this.state;
    return registry;
  }

  /**
   * The application as stored now, or null when the registry is intact and does not hold it;
   * RegistryLostError else. `reads`: the store, or a batch sent later (the token endpoint's reservation).
   */
  async get(clientId: string, reads: StoreReads = this.store): Promise<Application | null> {
    const now = this.clock.now();
    // Both reads leave in the same round trip.
    const [raw, marker] = await Promise.all([reads.get(KEY(clientId)), reads.get(MARKER_KEY)]);
    if (raw === null && marker === null) throw await this.lost(now);
    // A record proves the registry is there: records written without the marker (by hand, or
    // before it existed) get one, so that a later loss is told from an unknown client.
    if (marker === null) await this.store.set(MARKER_KEY, String(now));
    return this.seen(clientId, raw);
  }

  /**
   * The last record this process read (at most RECENT_MS old unless a fresh read refreshed it),
   * else a fresh one. Never to decide whether the application is served: only for what may lag
   * one call, the plan and the partner whose status the call's batch reads.
   */
  async recent(clientId: string): Promise<Application | null> {
    const hit = this.state.recent.get(clientId);
    if (hit !== undefined && hit.until > this.clock.now()) return hit.app;
    return this.get(clientId);
  }

  /**
   * Parses a record read fresh (here or in a protected call's batch) and keeps it as the recent
   * copy; a missing record drops the copy.
   */
  seen(clientId: string, raw: string | null): Application | null {
    if (raw === null) {
      this.state.recent.delete(clientId);
      return null;
    }
    const until = this.clock.now() + RECENT_MS;
    const held = this.state.recent.get(clientId);
    // The same bytes as the copy held (the usual case on the hot path): no parse, no new entry.
    if (held !== undefined && held.raw === raw) {
      held.until = until;
      return held.app;
    }
    const app = JSON.parse(raw) as Application;
    if (this.state.recent.size > 10_000) this.state.recent.clear();
    this.state.recent.set(clientId, { raw, app, until });
    return app;
  }

  /**
   * Onboards a new application: written only where no record is (ALREADY_EXISTS otherwise), so
   * that a creation never overwrites a live record.
   */
  async create(app: Application): Promise<void> {
    await createRecord(this.store, KEY(app.clientId), app);
    await this.written(app.clientId);
  }

  /**
   * Edits the record by compare-and-set (admin/record-update.ts): `change` is applied to the
   * record as stored, and again to a fresh read when a concurrent edit landed first, so that no
   * edit undoes another (a credential rotation never reverts a suspension). The record as
   * written; NOT_FOUND when absent, 503 when the registry is lost, ABORTED (409) when every
   * attempt lost its race.
   */
  async update(clientId: string, change: Change<Application>): Promise<Application> {
    const updated = await updateRecord(this.store, KEY(clientId), change);
    if (updated === null) {
      await this.get(clientId); // a lost registry answers 503, never 404
      throw new ApiError('NOT_FOUND');
    }
    this.state.recent.delete(clientId);
    return updated;
  }

  /** The sandbox seed's fixed record (admin/record-update.ts seedRecord). */
  async seed(app: Application, merge: Change<Application>): Promise<Application> {
    const written = await seedRecord(this.store, KEY(app.clientId), app, merge);
    await this.written(app.clientId);
    return written;
  }

  /**
   * Writes the record whatever the store holds: for fixtures only. The platform onboards with
   * `create` and edits with `update`, never a blind write over a record another request may be
   * changing.
   */
  async put(app: Application): Promise<void> {
    await this.store.set(KEY(app.clientId), JSON.stringify(app));
    await this.written(app.clientId);
  }

  private async written(clientId: string): Promise<void> {
    await this.store.set(MARKER_KEY, String(this.clock.now()));
    this.state.recent.delete(clientId);
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
   * Replaces a legacy secret record by its current form after a successful use, by
   * compare-and-set and only while the record still holds `from`: a change made meanwhile
   * (suspension, a new secret) is never overwritten with a stale copy.
   */
  async upgradeSecretHash(clientId: string, from: string, to: string): Promise<void> {
    await updateRecord<Application>(this.store, KEY(clientId), (app) =>
      app.secretHash === from ? { ...app, secretHash: to } : app,
    );
    this.state.recent.delete(clientId);
  }
}
