import type { Deps } from '../deps.js';

/**
 * The kill switch: suspending an application or a partner refuses its tokens and token requests
 * on the very next request, on every instance sharing the store. The admin API's suspend and
 * resume routes, and anything else that cuts a partner off, go through these four functions.
 *
 * One write each, by compare-and-set (registry `update`): an admin edit of the same record at the
 * same moment, on any instance, can never write back a copy read before the suspension. Every
 * check reads the application's record and its partner's from the store on
 * the call (pipeline/application.ts, auth/application-status.ts), never from memory, so there is
 * nothing to broadcast. A suspension also moves the record's `tokensNotBefore`: access and refresh
 * tokens issued before it stay refused after a resume (there is no index of tokens by client to
 * delete them one by one; refresh tokens are stored by hash and family), and so do the
 * authorization codes, CIBA requests and JWT-bearer assertions of that time (the grants check it).
 */
export async function suspendApplication(deps: Deps, clientId: string): Promise<void> {
  await deps.applications.update(clientId, (app) => ({
    ...app,
    status: 'suspended',
    tokensNotBefore: cutoff(deps, app.tokensNotBefore),
  }));
  deps.metrics.killSwitchUsed('suspend', 'application');
}

export async function resumeApplication(deps: Deps, clientId: string): Promise<void> {
  await deps.applications.update(clientId, (app) => ({ ...app, status: 'active' }));
  deps.metrics.killSwitchUsed('resume', 'application');
}

/** One write for all of the partner's applications: each call reads the partner's status. */
export async function suspendPartner(deps: Deps, partnerId: string): Promise<void> {
  await deps.partners.update(partnerId, (partner) => ({
    ...partner,
    status: 'suspended',
    tokensNotBefore: cutoff(deps, partner.tokensNotBefore),
    updatedAt: deps.clock.now(),
  }));
  deps.metrics.killSwitchUsed('suspend', 'partner');
}

export async function resumePartner(deps: Deps, partnerId: string): Promise<void> {
  await deps.partners.update(partnerId, (partner) => ({
    ...partner,
    status: 'active',
    updatedAt: deps.clock.now(),
  }));
  deps.metrics.killSwitchUsed('resume', 'partner');
}

/**
 * Tokens carry `iat` in whole seconds, and a token request that read the record just before this
 * write may still issue its token just after it: the cut-off lies one second past the suspension,
 * so every token issued until then is refused (a resume within that second leaves the client to
 * ask again). Never moved back by an earlier suspension.
 */
const CUTOFF_MARGIN_MS = 1000;

function cutoff(deps: Deps, previous: number | undefined): number {
  return Math.max(previous ?? 0, deps.clock.now() + CUTOFF_MARGIN_MS);
}
