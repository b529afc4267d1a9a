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
 * The resource pipeline (DESIGN §2), read top to bottom. Step 1 (x-correlator) runs for every
 * request in app.ts; steps 5 to 9 (scope, identifier, legal basis, subscriber, business rule)
 * are each API's route. Every store read here leaves in one round trip (step.ts).
 */
export const RESOURCE_STEPS: readonly Step[] = [
  token, //        2. 401 UNAUTHENTICATED: missing, malformed, bad signature, expired
  application, //  2. 401: the application is deleted or suspended
  revocation, //   2. 401: revoked or spent
  rateLimit, //    3. 429 TOO_MANY_REQUESTS / QUOTA_EXCEEDED
  body, //         4. 413 / 415 / 400: a JSON object (the route's schema validates it)
  legalBasis, //   7. its reads only: the route decides
];

/**
 * The pipeline of an API (without the legal-basis reads where its calls have no step 7), with the
 * token narrowed to what its application still holds for this API (grant.ts) once the
 * application's record is judged.
 */
export function resourcePipeline(options: { legalBasis: boolean; api: string }): MiddlewareHandler<Env> {
  const steps = options.legalBasis ? RESOURCE_STEPS : RESOURCE_STEPS.filter((s) => s !== legalBasis);
  const at = steps.indexOf(application) + 1;
  return runSteps([...steps.slice(0, at), grant(options.api), ...steps.slice(at)]);
}

/** The subscriber's own calls (consent self-service): token and rate limit, no body. */
export const selfServicePipeline: MiddlewareHandler<Env> = runSteps([
  token,
  application,
  revocation,
  rateLimit,
]);
