import type { AccessContext } from '../auth/access-context.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';

/**
 * DESIGN §2 step 7: the legal basis of (application, purpose, subscriber), on every call, after
 * identifier resolution (step 6) and before the subscriber lookup (step 8). A refusal is one
 * 403 PERMISSION_DENIED with the standard message: the check reads consent records only, never
 * the network, so the answer is the same whether or not the number exists.
 */
export async function requireLegalBasis(
  deps: Pick<Deps, 'consent'>,
  access: AccessContext,
  phoneNumber: string,
): Promise<void> {
  if (access.purpose === undefined) throw new ApiError('PERMISSION_DENIED');
  const decision = await deps.consent.check({
    clientId: access.clientId,
    purpose: access.purpose,
    subscriber: phoneNumber,
    scopes: [...access.scopes],
  });
  if (!decision.allowed) throw new ApiError('PERMISSION_DENIED');
}
