import type { MiddlewareHandler } from 'hono';
import type { Env } from '../http/env.js';
import { application } from './application.js';
import { body } from './body.js';
import { grant } from './grant.js';
import { legalBasis } from './legal-basis.js';
import { rateLimit } from './rate-limit.js';
import { revocation } from './revocation.js';
import { runSteps, type Step } from './step.js';
import { token } from './token.js';

/**
 * The resource pipeline of one API (DESIGN §2), read top to bottom. Step 1 (x-correlator) runs for
 * every request in app.ts; steps 5 to 9 (scope, identifier, legal basis, subscriber, business
 * rule) are each API's route. Every store read here leaves in one round trip (step.ts).
 */
export function resourceSteps(api: string): Step[] {
  return [
    token, //        2. 401 UNAUTHENTICATED: missing, malformed, bad signature, expired
    application, //  2. 401: the application is deleted or suspended
    grant(api), //   2. the token narrowed to what the application still holds (403 at step 5)
    revocation, //   2. 401: revoked or spent
    rateLimit, //    3. 429 TOO_MANY_REQUESTS / QUOTA_EXCEEDED
    body, //         4. 413 / 415 / 400: a JSON object (the route's schema validates it)
    legalBasis, //   7. its reads only: the route decides
  ];
}

/** The pipeline of an API, without the legal-basis reads where its calls have no step 7. */
export function resourcePipeline(options: { legalBasis: boolean; api: string }): MiddlewareHandler<Env> {
  const steps = resourceSteps(options.api);
  return runSteps(options.legalBasis ? steps : steps.filter((s) => s !== legalBasis));
}

/** The subscriber's own calls (consent self-service): token and rate limit, no body. */
export const selfServicePipeline: MiddlewareHandler<Env> = runSteps([
  token,
  application,
  revocation,
  rateLimit,
]);
