import { requireActiveApplication } from '../auth/application-status.js';
import type { Step } from './step.js';

/** Step 2: the token's application still exists and is active (its plan feeds the rate limit). */
export const application: Step = {
  name: 'application',
  async read(c) {
    c.set('application', await requireActiveApplication(c));
    return undefined;
  },
};
