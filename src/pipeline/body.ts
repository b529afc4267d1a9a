import { checkJsonBody, startBodyRead } from '../http/json-body.js';
import type { Step } from './step.js';

/**
 * Step 4, framing: a JSON object body within the size limit (413, 415, 400), for a routed
 * POST/PUT/PATCH only (a wrong path or method stays a 404 or 405 whatever its body). Reading
 * starts now, so that the legal-basis step may look for the subscriber in it before the round
 * trip; the answer comes after the rate limit's. The route's schema validates the value (400).
 */
export const body: Step = {
  name: 'body',
  read(c) {
    if (!startBodyRead(c, c.get('deps').config.maxBodyBytes)) return undefined;
    return () => checkJsonBody(c, c.get('deps').config.maxBodyBytes);
  },
};
