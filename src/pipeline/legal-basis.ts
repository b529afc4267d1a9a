import { readLegalBasis } from '../consent/prefetch.js';
import type { Step } from './step.js';

/**
 * Step 7, its reads: the consent records of (application, purpose, subscriber) travel in the
 * call's round trip. Nothing is answered here: the route decides at step 7, after the scope (5)
 * and the identifier (6), through requireLegalBasis (consent/enforce.ts).
 */
export const legalBasis: Step = {
  name: 'legal-basis',
  async read(c, batch) {
    await readLegalBasis(c, batch);
    return undefined;
  },
};
