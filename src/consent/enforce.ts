import type { AccessContext } from '../auth/access-context.js';
import type { Deps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { PrefetchedLegalBasis } from './prefetch.js';

/**
 * DESIGN §2 step 7: the legal basis of (application, purpose, subscriber), on every call, after
 * identifier resolution (step 6) and before the subscriber lookup (step 8). A refusal is one
 * 403 PERMISSION_DENIED with the standard message: the check reads consent records only, never
 * the network, so the answer is the same whether or not the number exists.
 *
 * `prefetched` (the handler passes `c.get('legalBasis')`): the decision read together with the
 * rate-limit hit, used when it is for this very subscriber; otherwise the check runs here.
 */
export async function requireLegalBasis(
  deps: Pick<Deps, 'consent'>,
  access: AccessContext,
  phoneNumber: string,
  prefetched?: PrefetchedLegalBasis,
): Promise<void> {
  if (access.purpose === undefined) throw new ApiError('PERMISSION_DENIED');
  const decision =
    prefetched !== undefined && prefetched.subscriber === phoneNumber
      ? await prefetched.decision
      : await deps.consent.check({
          clientId: access.clientId,
          purpose: access.purpose,
          subscriber: phoneNumber,
          scopes: [...access.scopes],
        });
  if (!decision.allowed) throw new ApiError('PERMISSION_DENIED');
}
