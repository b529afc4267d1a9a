import { countHit } from '../ratelimit/limiter.js';
import type { Step } from './step.js';

/** Step 3: the application's burst limit and plan quota (429), with the RateLimit headers. */
export const rateLimit: Step = {
  name: 'rate-limit',
  read(c, batch) {
    return countHit(c, batch);
  },
};
