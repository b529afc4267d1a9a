import type { ApiModule } from '../../src/api-module.js';
import { findEligibleSubscriber, requireScope, resolvePhoneNumber } from '../common/identifier.js';
import { createApiRouter } from '../common/router.js';
import { checkRoute, retrieveDateRoute, SCOPES } from './routes.js';
import { checkSimSwap, effectiveMaxAge, retrieveSimSwapDate, type SimSwapPolicy } from './service.js';

const NAME = 'sim-swap';

export const simSwap: ApiModule = {
  name: NAME,
  title: 'SIM Swap',
  version: '2.1.0',
  basePath: '/sim-swap/v2',
  scopes: ['sim-swap:check', 'sim-swap:retrieve-date', 'sim-swap'],
  router: () => {
    const router = createApiRouter();
    const policyOf = (c: { get(k: 'deps'): { config: { simSwap: SimSwapPolicy } } }) =>
      c.get('deps').config.simSwap;

    router.openapi(checkRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      // DESIGN §2 step 4: the market's cap is a range check of the body, so it answers 400
      // OUT_OF_RANGE before the scope, identifier and subscriber steps.
      const maxAge = effectiveMaxAge(body.maxAge, policyOf(c));
      requireScope(access, SCOPES.check);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'exclusive');
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, NAME);
      const swapped = checkSimSwap(subscriber, maxAge, deps.clock.now(), policyOf(c));
      return c.json({ swapped }, 200);
    });

    router.openapi(retrieveDateRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      requireScope(access, SCOPES.retrieveDate);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'exclusive');
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, NAME);
      return c.json(retrieveSimSwapDate(subscriber, deps.clock.now(), policyOf(c)), 200);
    });
    return router;
  },
};
