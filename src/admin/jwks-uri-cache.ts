import { errors, type JWK, type JWTVerifyGetKey } from 'jose';
import { keySetOf } from '../auth/assertion-rules.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import {
  checkJwksUri,
  fetchJwks,
  JWKS_FETCH_MAX_BYTES,
  JWKS_FETCH_TIMEOUT_MS,
  JwksUriError,
  type JwksFetch,
  type JwksFetchLimits,
} from './jwks-uri.js';

/** Keys fetched are used this long before the next assertion fetches them again. */
export const JWKS_REFRESH_MS = 5 * 60_000;
/**
 * At most one fetch per URL in this window after an attempt, whatever triggers it (an unknown
 * `kid`, a failed refresh): anybody can send an assertion naming a client, so assertions must
 * not be able to make the platform hammer that client's server.
 */
export const JWKS_COOLDOWN_MS = 30_000;
/** While the URL fails, the last good keys serve this long after they were fetched, no longer. */
export const JWKS_MAX_AGE_MS = 60 * 60_000;
/** Entries per process; past it the cache starts again (one entry per registered URL). */
const MAX_ENTRIES = 10_000;

type Entry = {
  jwks: { keys: JWK[] } | undefined;
  fetchedAt: number;
  attemptedAt: number;
  problem: string | undefined;
  pending: Promise<{ keys: JWK[] }> | undefined;
};

export type JwksUriKeysOptions = {
  fetch: JwksFetch;
  clock: Clock;
  logger: Logger;
  /** JWKS_URI_ALLOW_HTTP_LOOPBACK: development and tests only (config.ts refuses it in production). */
  allowHttpLoopback?: boolean | undefined;
  limits?: Partial<Pick<JwksFetchLimits, 'timeoutMs' | 'maxBytes'>> | undefined;
};

/**
 * The keys of every jwks_uri in use, per process: fetched on first use, kept JWKS_REFRESH_MS,
 * fetched again at once (at most once per JWKS_COOLDOWN_MS) for a `kid` the set lacks, so that a
 * client's key rotation needs no restart; a failed refresh keeps the last good keys up to
 * JWKS_MAX_AGE_MS. Concurrent assertions share one fetch. Hand-written rather than jose's
 * createRemoteJWKSet: that one reads the system time (tests inject a Clock) and drops its keys
 * at the first failed refresh.
 */
export class JwksUriKeys {
  private readonly entries = new Map<string, Entry>();
  private readonly limits: JwksFetchLimits;

  constructor(private readonly options: JwksUriKeysOptions) {
    this.limits = {
      timeoutMs: options.limits?.timeoutMs ?? JWKS_FETCH_TIMEOUT_MS,
      maxBytes: options.limits?.maxBytes ?? JWKS_FETCH_MAX_BYTES,
      allowLoopback: options.allowHttpLoopback === true,
    };
  }

  /** checkJwksUri under this platform's setting: what the admin API calls before storing a URL. */
  check(url: string): string | undefined {
    return checkJwksUri(url, { allowHttpLoopback: this.limits.allowLoopback });
  }

  /** A key resolver for jose's jwtVerify: the key of the JWT's `kid` (or the only fitting one). */
  resolver(uri: string): JWTVerifyGetKey {
    return async (header, token) => {
      const jwks = await this.keys(uri);
      try {
        return await keySetOf(jwks)(header, token);
      } catch (error) {
        // A kid the set lacks may be a key the client has just published (rotation).
        if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayFetch(uri)) throw error;
        return keySetOf(await this.refresh(uri))(header, token);
      }
    };
  }

  /** The URL's keys: cached, or fetched now; a JwksUriError when there are none to use. */
  async keys(uri: string): Promise<{ keys: JWK[] }> {
    const now = this.options.clock.now();
    const entry = this.entries.get(uri);
    if (entry?.jwks !== undefined && now - entry.fetchedAt < JWKS_REFRESH_MS) return entry.jwks;
    if (entry !== undefined && !this.mayFetch(uri)) {
      if (entry.pending !== undefined) return entry.pending;
      const usable = this.usable(entry, now);
      if (usable !== undefined) return usable;
      throw new JwksUriError(`${entry.problem ?? 'failed'} (retried after ${JWKS_COOLDOWN_MS / 1000} s)`);
    }
    return this.refresh(uri);
  }

  private mayFetch(uri: string): boolean {
    const entry = this.entries.get(uri);
    return entry === undefined || this.options.clock.now() - entry.attemptedAt >= JWKS_COOLDOWN_MS;
  }

  private usable(entry: Entry, now: number): { keys: JWK[] } | undefined {
    return entry.jwks !== undefined && now - entry.fetchedAt < JWKS_MAX_AGE_MS ? entry.jwks : undefined;
  }

  /** One fetch, shared by the assertions that wait on it; on failure the last good keys, if usable. */
  private refresh(uri: string): Promise<{ keys: JWK[] }> {
    const { clock, logger } = this.options;
    let entry = this.entries.get(uri);
    if (entry?.pending !== undefined) return entry.pending;
    if (entry === undefined) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      entry = { jwks: undefined, fetchedAt: 0, attemptedAt: 0, problem: undefined, pending: undefined };
      this.entries.set(uri, entry);
    }
    const current = entry;
    current.attemptedAt = clock.now();
    current.pending = fetchJwks(uri, this.options.fetch, this.limits)
      .then(
        (jwks) => {
          current.jwks = jwks;
          current.fetchedAt = clock.now();
          current.problem = undefined;
          return jwks;
        },
        (error: unknown) => {
          current.problem = error instanceof JwksUriError ? error.reason : String(error);
          const usable = this.usable(current, clock.now());
          logger.warn('jwks_uri fetch failed', {
            jwksUri: uri.slice(0, 256),
            problem: current.problem,
            keptKeysFetchedAt: usable === undefined ? undefined : new Date(current.fetchedAt).toISOString(),
          });
          if (usable !== undefined) return usable;
          throw error;
        },
      )
      .finally(() => (current.pending = undefined));
    return current.pending;
  }
}
