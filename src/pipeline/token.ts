import { authenticate } from '../auth/resource-guard.js';
import type { Step } from './step.js';

/** Step 2: a valid access token (signature, issuer, audience, expiry), checked in process. */
export const token: Step = {
  name: 'token',
  async read(c) {
    await authenticate(c);
    return undefined;
  },
};
