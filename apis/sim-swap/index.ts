import type { ApiModule } from '../../src/api-module.js';
import type { AccessContext } from '../../src/auth/access-context.js';
import { requireLegalBasis } from '../../src/consent/enforce.js';
import type { Deps } from '../../src/deps.js';
import { effectiveSimSwapPolicy } from '../../src/privacy/policies.js';
import { findEligibleSubscriber, requireScope, resolvePhoneNumber } from '../common/identifier.js';
import { apiRoute, createApiRouter } from '../common/router.js';
import { checkRoute, retrieveDateRoute, SCOPES } from './routes.js';
import { checkSimSwap, effectiveMaxAge, retrieveSimSwapDate, type SimSwapPolicy } from './service.js';

const NAME = 'sim-swap';

/**
 * The market's limits narrowed by the data policy of the token's purpose. A purpose that does not
 * cover SIM Swap gets the market's limits here; the legal-basis step refuses it anyway.
 */
const policyOf = (deps: Deps, access: AccessContext): SimSwapPolicy => {
  const purpose = access.purpose === undefined ? undefined : deps.purposes.apiPolicy(access.purpose, NAME);
  return effectiveSimSwapPolicy(deps.config.simSwap, purpose ?? {});
};

export const simSwap: ApiModule = {
  name: NAME,
  title: 'SIM Swap',
  version: '2.1.0',
  basePath: '/sim-swap/v2',
  scopes: ['sim-swap:check', 'sim-swap:retrieve-date', 'sim-swap'],
  // SIM Swap answers standard CAMARA codes only.
  errors: {},
  router: () => {
    const router = createApiRouter();

    apiRoute(router, checkRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      // The answer is as of the request's instant, read once and before the network lookup: a
      // clock read after it could land a moment later than the network's own, and a change made
      // exactly maxAge hours before the request would then fall outside the window.
      const now = deps.clock.now();
      const body = c.req.valid('json');
      // DESIGN §2 step 4: the cap (market's, narrowed by the purpose's) is a range check of the
      // body, so it answers 400 OUT_OF_RANGE before the scope, identifier and subscriber steps.
      const policy = policyOf(deps, access);
      const maxAge = effectiveMaxAge(body.maxAge, policy);
      requireScope(access, SCOPES.check);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'exclusive');
      await requireLegalBasis(deps, access, phoneNumber, c.get('legalBasis'));
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, NAME);
      const swapped = checkSimSwap(subscriber, maxAge, now, policy);
      return c.json({ swapped }, 200);
    });

    apiRoute(router, retrieveDateRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const now = deps.clock.now(); // the request's instant, as in check
      const body = c.req.valid('json');
      requireScope(access, SCOPES.retrieveDate);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'exclusive');
      await requireLegalBasis(deps, access, phoneNumber, c.get('legalBasis'));
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, NAME);
      return c.json(retrieveSimSwapDate(subscriber, now, policyOf(deps, access)), 200);
    });
    return router;
  },
};
