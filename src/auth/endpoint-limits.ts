import type { Context, MiddlewareHandler } from 'hono';
import type { Application } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import type { Env } from '../http/env.js';
import { rateLimitHeaders } from '../http/ratelimit-headers.js';
import { requestHeader } from '../http/request-header.js';
import { StoreBatch } from '../store/batch.js';
import type { RateLimitResult, RateLimitRule } from '../store/port.js';
import { sourceAddress } from './client-address.js';
import { present, type Presented } from './client-presented.js';
import { formBytes, readForm } from './form.js';
import { addressKeys, applicationKeys } from '../store/keys.js';

/** The client-authenticated endpoints (POST), by path or path prefix. */
export const LIMITED_ENDPOINTS = [
  '/oauth2/token',
  '/oauth2/bc-authorize',
  '/oauth2/introspect',
  '/oauth2/revoke',
] as const;
export type LimitedEndpoint = (typeof LIMITED_ENDPOINTS)[number];

const FAILURE_WINDOW_MS = 15 * 60_000;

/** The refusal, counted under the authenticated client (none for the per-address limits). */
function tooMany(deps: Deps, result: RateLimitResult, clientId?: string): OAuthError {
  deps.metrics.rateLimited('too_many_requests', clientId);
  return new OAuthError('too_many_requests', 'too many requests', rateLimitHeaders(result));
}

/**
 * Rate limits of the authorization server before any credential is checked, per source address
 * (the one resolver, client-address.ts), never per a client the request merely names: anyone can
 * name a client, so a budget charged on a name lets anyone lock a partner out, and a 429 only for
 * known names tells which client_ids exist. Per source address:
 * 1. requests per minute to these endpoints (OAUTH_ADDRESS_REQUESTS_PER_MINUTE);
 * 2. failed client authentications per 15 minutes (credential stuffing). The attempt is reserved
 *    atomically before the check and given back unless it failed: read-then-count let 300
 *    concurrent wrong secrets through a limit of 20.
 * The client's own budget is charged after it has authenticated (chargeClient). The store is
 * never skipped: when it is down the endpoint answers 503 temporarily_unavailable.
 */
export const endpointLimits: MiddlewareHandler<Env> = async (c, next) => {
  const endpoint = LIMITED_ENDPOINTS.find((p) => c.req.path === p || c.req.path.startsWith(`${p}/`));
  if (endpoint === undefined || c.req.method !== 'POST') return next();
  const deps = c.get('deps');
  // The body first (bounded, read once for the endpoint: form.ts): the reservation below
  // then spans the credential check, not a client's upload, so slow or held-back bodies never
  // occupy the failure budget of an address that legitimate clients share.
  await formBytes(c);
  const now = deps.clock.now();
  const { addressPerMinute, authFailuresPerIp } = deps.config.oauthLimits;
  const source = addressKeys.limiter(sourceAddress(c, deps.config.edge));
  const requests: RateLimitRule = { name: 'oauth-address', limit: addressPerMinute, windowMs: 60_000 };
  const failures: RateLimitRule = {
    name: 'auth-failures',
    limit: authFailuresPerIp,
    windowMs: FAILURE_WINDOW_MS,
  };
  // One round trip: the reservation, and the record of the client the request names (a read
  // charges nobody, and the answers keep their order: a refused reservation is answered first).
  const batch = new StoreBatch(deps.store);
  const reservation = batch.hit(source, [requests, failures], now);
  const named = await namedClient(c, batch);
  await batch.exec();
  const reserved = await reservation;
  if (!reserved.allowed) throw tooMany(deps, reserved);

  const attempt = new ClientAttempt(source, failures, now, named);
  c.set('clientAttempt', attempt);
  let failed = true;
  try {
    await next();
    // RFC 6749 §5.2: a failed client authentication is the one 401 of these endpoints.
    failed = c.res.status === 401;
  } finally {
    // Given back with the client's charge once it authenticated (chargeClient); else here, when
    // the request failed otherwise than by its credentials (a malformed request, a bad grant).
    if (!failed && !attempt.givenBack) {
      // Best effort: a reservation not given back only expires with its window.
      await deps.store.unhit(source, [failures], now).catch((error: unknown) => {
        deps.logger.warn('failure reservation not given back', { error: String(error) });
      });
    }
  }
};

/** The client a request names, and its record read in the reservation's round trip. */
type NamedClient = { presented: Presented; app: Promise<Application | null> };

/**
 * The client the request names, its record added to `batch`; undefined when the request names
 * none or is malformed (the endpoint answers that itself, in its own order).
 */
async function namedClient(c: Context<Env>, batch: StoreBatch): Promise<NamedClient | undefined> {
  let presented: Presented;
  try {
    presented = present(requestHeader(c, 'authorization'), await readForm(c));
  } catch {
    return undefined;
  }
  const app = c.get('deps').applications.get(presented.clientId, batch);
  app.catch(() => {}); // awaited by authenticateClient, which a refused request never reaches
  return { presented, app };
}

/**
 * One request's failure reservation at a client-authenticated endpoint, and what was read with
 * it: the client the request names (authenticateClient uses both instead of reading again).
 */
export class ClientAttempt {
  private returned = false;

  constructor(
    private readonly source: string,
    private readonly failures: RateLimitRule,
    private readonly now: number,
    readonly named: NamedClient | undefined,
  ) {}

  get givenBack(): boolean {
    return this.returned;
  }

  /** Adds the give-back to `batch`, with the same `now` as the reservation (the same windows). */
  giveBack(batch: StoreBatch): Promise<void> {
    return batch.unhit(this.source, [this.failures], this.now).then(() => {
      this.returned = true;
    });
  }
}

/** A single-use value (an assertion's `jti`) claimed with the client's charge. */
export type SingleUseClaim = { key: string; ttlMs: number };

/** The claim was refused: the value was used before (a replayed assertion). */
export class ReplayedAssertion extends Error {
  override readonly name = 'ReplayedAssertion';
}

/**
 * Charges the authenticated client's own budget at `endpoint` (OAUTH_CLIENT_REQUESTS_PER_MINUTE):
 * 429 too_many_requests past it. Called only once the client has proved who it is
 * (authenticateClient, or the JWT-bearer grant's own assertion), so nobody spends another's. In
 * the same round trip, in this order: the `claim` of its assertion's jti (refused: nothing after
 * it runs, ReplayedAssertion), the charge, the give-back of the request's failure reservation.
 */
export async function chargeClient(
  deps: Deps,
  endpoint: LimitedEndpoint,
  clientId: string,
  options: { attempt?: ClientAttempt | undefined; claim?: SingleUseClaim } = {},
): Promise<void> {
  const rule: RateLimitRule = {
    name: 'oauth-client',
    limit: deps.config.oauthLimits.clientPerMinute,
    windowMs: 60_000,
  };
  const { attempt, claim } = options;
  const batch = new StoreBatch(deps.store);
  const claimed = claim === undefined ? undefined : batch.claim(claim.key, '1', claim.ttlMs);
  const charge = batch.hit(applicationKeys.endpointLimiter(endpoint, clientId), [rule], deps.clock.now());
  const givenBack = attempt?.giveBack(batch);
  givenBack?.catch(() => {}); // not run after a refused claim: the reservation stays counted
  await batch.exec();
  if (claimed !== undefined && !(await claimed)) throw new ReplayedAssertion('replayed assertion');
  await givenBack;
  const result = await charge;
  if (!result.allowed) throw tooMany(deps, result, clientId);
}
