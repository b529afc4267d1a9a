import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';

/**
 * The kill switch: suspending an application or a partner refuses its tokens and token requests
 * on the very next request, on every instance sharing the store. The admin API's suspend and
 * resume routes, and anything else that cuts a partner off, go through these four functions.
 */
export async function suspendApplication(deps: Deps, clientId: string): Promise<void> {
  await setApplicationStatus(deps, clientId, 'suspended');
}

export async function resumeApplication(deps: Deps, clientId: string): Promise<void> {
  await setApplicationStatus(deps, clientId, 'active');
}

export async function suspendPartner(deps: Deps, partnerId: string): Promise<void> {
  await setPartnerStatus(deps, partnerId, 'suspended');
}

export async function resumePartner(deps: Deps, partnerId: string): Promise<void> {
  await setPartnerStatus(deps, partnerId, 'active');
}

async function setApplicationStatus(deps: Deps, clientId: string, status: 'active' | 'suspended') {
  const app = await deps.applications.get(clientId);
  if (app === null) throw new ApiError('NOT_FOUND');
  await deps.applications.put({ ...app, status });
}

async function setPartnerStatus(deps: Deps, partnerId: string, status: 'active' | 'suspended') {
  const partner = await deps.partners.get(partnerId);
  if (partner === null) throw new ApiError('NOT_FOUND');
  await deps.partners.put({ ...partner, status, updatedAt: deps.clock.now() });
}
