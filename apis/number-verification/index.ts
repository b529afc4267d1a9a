import type { ApiModule } from '../../src/api-module.js';
import type { AccessContext } from '../../src/auth/access-context.js';
import { requireScope } from '../common/identifier.js';
import { createApiRouter } from '../common/router.js';
import { SCOPES, shareRoute, verifyRoute } from './routes.js';
import {
  authenticatedDeviceNumber,
  DEFAULT_POLICY,
  shareDevicePhoneNumber,
  verifyPhoneNumber,
  type NumberVerificationPolicy,
} from './service.js';
import { consumeToken } from './single-use.js';

/** The policy of the token's purpose; purpose-based data minimisation plugs in here (hashed only). */
const policyOf = (_access: AccessContext): NumberVerificationPolicy => DEFAULT_POLICY;

/**
 * Order (DESIGN §2): body (400, before the handler) → scope (403 PERMISSION_DENIED) → 3-legged
 * mobile-network authentication (403) → answer → token consumed (401 when already used).
 */
export const numberVerification: ApiModule = {
  name: 'number-verification',
  title: 'Number Verification',
  version: '2.1.0',
  basePath: '/number-verification/v2',
  scopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
  router: () => {
    const router = createApiRouter();

    router.openapi(verifyRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      requireScope(access, SCOPES.verify);
      const deviceNumber = authenticatedDeviceNumber(access);
      const verified = await verifyPhoneNumber(deviceNumber, body, policyOf(access));
      await consumeToken(deps.store, access, deps.clock.now());
      return c.json({ devicePhoneNumberVerified: verified }, 200);
    });

    router.openapi(shareRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      requireScope(access, SCOPES.share);
      const devicePhoneNumber = shareDevicePhoneNumber(authenticatedDeviceNumber(access), policyOf(access));
      await consumeToken(deps.store, access, deps.clock.now());
      return c.json({ devicePhoneNumber }, 200);
    });
    return router;
  },
};
