import type { Application } from '../admin/applications.js';
import type { Partner } from '../admin/partners.js';
import type { Deps } from '../deps.js';
import type { RefusalSurface } from '../metrics/platform.js';

/** Why an application is not served now; the `status` label of the kill-switch metric. */
export type Refusal =
  'removed' | 'suspended' | 'not_yet_valid' | 'expired' | 'partner_suspended' | 'partner_removed';

/**
 * What decides whether an application is served, read from the store on the call (DESIGN §3:
 * a suspension acts at once, on every instance): its record and, when it has one, its partner's.
 * `partner` is undefined for an application without a partner, null when the partner is gone.
 */
export type Standing = {
  app: Application | null;
  partner: Partner | null | undefined;
  refusal: Refusal | undefined;
};

/**
 * The application's own status, its validity period (outside it the application is refused like a
 * suspended one) and its partner's status: one partner write cuts off all its applications.
 */
export function refusalOf(
  app: Application | null,
  partner: Partner | null | undefined,
  nowMs: number,
): Refusal | undefined {
  if (app === null) return 'removed';
  if (app.status !== 'active') return 'suspended';
  if (app.validFrom !== undefined && nowMs < app.validFrom) return 'not_yet_valid';
  if (app.validUntil !== undefined && nowMs >= app.validUntil) return 'expired';
  if (app.partnerId === undefined) return undefined;
  // A partner deleted under its applications leaves them without an agreement: fail closed.
  if (partner === null || partner === undefined) return 'partner_removed';
  return partner.status === 'active' ? undefined : 'partner_suspended';
}

/**
 * Whether a token issued at `iatSeconds` was cut off by a suspension of its application or of its
 * partner (kill-switch.ts writes `tokensNotBefore` on either record): such access and refresh
 * tokens stay refused after a resume, and so do authorization codes, CIBA requests, JWT-bearer
 * assertions and client assertions issued then (`iatSeconds` may be fractional: a CIBA request's
 * creation time).
 */
export function issuedBeforeCutoff(iatSeconds: number, standing: Pick<Standing, 'app' | 'partner'>): boolean {
  const cutoff = Math.max(
    standing.app?.tokensNotBefore ?? Number.NEGATIVE_INFINITY,
    standing.partner?.tokensNotBefore ?? Number.NEGATIVE_INFINITY,
  );
  return iatSeconds * 1000 < cutoff;
}

/**
 * The standing of `clientId` read fresh from the store, off the hot path (token, authorization,
 * introspection endpoints): the record, then its partner's. A refusal of an application that
 * exists is counted on `surface` (kill-switch metric); a lost registry throws (503).
 */
export async function readStanding(
  deps: Pick<Deps, 'applications' | 'partners' | 'clock' | 'metrics'>,
  clientId: string,
  surface?: RefusalSurface,
  /** The record, when it was read already in this request's first round trip (endpoint-limits.ts). */
  read: { app?: Promise<Application | null> | undefined } = {},
): Promise<Standing> {
  const app = await (read.app ?? deps.applications.get(clientId));
  const partner = app?.partnerId === undefined ? undefined : await deps.partners.get(app.partnerId);
  const refusal = refusalOf(app, partner, deps.clock.now());
  if (app !== null && refusal !== undefined && surface !== undefined)
    deps.metrics.applicationRefused(clientId, refusal, surface);
  return { app, partner, refusal };
}
