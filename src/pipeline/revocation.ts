import { isRevoked } from '../auth/revocation.js';
import { invalidToken } from '../auth/resource-guard.js';
import type { Step } from './step.js';

/**
 * Step 2: the token has not been revoked (RFC 7009) nor spent (single use), read from the shared
 * store on every call (DESIGN §3: revocation takes effect at once, on every instance).
 */
export const revocation: Step = {
  name: 'revocation',
  read(c, batch) {
    const revoked = isRevoked(batch, c.get('access'));
    revoked.catch(() => {}); // a failed batch stops the call before this check reads it (503)
    return async () => {
      if (await revoked) throw invalidToken();
    };
  },
};
