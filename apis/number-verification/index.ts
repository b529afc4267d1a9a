import type { ApiModule } from '../../src/api-module.js';
import type { AccessContext } from '../../src/auth/access-context.js';
import { requireLegalBasis } from '../../src/consent/enforce.js';
import type { Deps } from '../../src/deps.js';
import { policyFor } from '../../src/privacy/policies.js';
import { requireScope } from '../common/identifier.js';
import { apiRoute, createApiRouter } from '../common/router.js';
import { NV_ERROR_TABLE } from './errors.js';
import { SCOPES, shareRoute, verifyRoute } from './routes.js';
import {
  authenticatedDeviceNumber,
  shareDevicePhoneNumber,
  verifyPhoneNumber,
  type NumberVerificationPolicy,
} from './service.js';
import { consumeToken } from './single-use.js';

/** The data policy of the token's purpose (hashed-only mode). */
const policyOf = (deps: Deps, access: AccessContext): NumberVerificationPolicy => ({
  hashedOnly: policyFor(deps.purposes, access.purpose, 'number-verification').hashedOnly,
});

/**
 * Order (DESIGN §2): body (400, before the handler) → scope (403 PERMISSION_DENIED) → 3-legged
 * mobile-network authentication (403) → legal basis (403) → purpose's policy (403 in hashed-only
 * mode) → answer → token consumed (401 when already used).
 */
export const numberVerification: ApiModule = {
  name: 'number-verification',
  title: 'Number Verification',
  version: '2.1.0',
  basePath: '/number-verification/v2',
  scopes: ['number-verification:verify', 'number-verification:device-phone-number:read'],
  errors: NV_ERROR_TABLE,
  router: () => {
    const router = createApiRouter();

    apiRoute(router, verifyRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json');
      requireScope(access, SCOPES.verify);
      const deviceNumber = authenticatedDeviceNumber(access);
      await requireLegalBasis(deps, access, deviceNumber, c.get('legalBasis'));
      const verified = await verifyPhoneNumber(deviceNumber, body, policyOf(deps, access));
      await consumeToken(deps.store, access, deps.clock.now());
      return c.json({ devicePhoneNumberVerified: verified }, 200);
    });

    apiRoute(router, shareRoute, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      requireScope(access, SCOPES.share);
      const deviceNumber = authenticatedDeviceNumber(access);
      await requireLegalBasis(deps, access, deviceNumber, c.get('legalBasis'));
      const devicePhoneNumber = shareDevicePhoneNumber(deviceNumber, policyOf(deps, access));
      // HEAD is answered by this GET route without the body: a safe method (RFC 9110 §9.2.1)
      // must not spend the single-use token that the client would then need for the number.
      if (c.req.method !== 'HEAD') await consumeToken(deps.store, access, deps.clock.now());
      return c.json({ devicePhoneNumber }, 200);
    });
    return router;
  },
};
