import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Store } from '../store/port.js';

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
};

const KEY = (clientId: string) => `app:${clientId}`;
const CACHE_MS = 30_000;

/**
 * Application records in the store, read through a short in-process cache so that the hot path
 * does not pay a store round trip for the plan (changes apply within CACHE_MS).
 */
export class ApplicationRegistry {
  private readonly cache = new Map<string, { app: Application | null; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async get(clientId: string): Promise<Application | null> {
    const now = this.clock.now();
    const hit = this.cache.get(clientId);
    if (hit !== undefined && hit.until > now) return hit.app;
    const raw = await this.store.get(KEY(clientId));
    const app = raw === null ? null : (JSON.parse(raw) as Application);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { app, until: now + CACHE_MS });
    return app;
  }

  async put(app: Application): Promise<void> {
    await this.store.set(KEY(app.clientId), JSON.stringify(app));
    this.cache.delete(app.clientId);
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
