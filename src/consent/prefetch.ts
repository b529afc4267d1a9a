import type { Context } from 'hono';
import type { Env } from '../http/env.js';
import type { LegalBasisDecision } from './port.js';

/** A legal-basis decision read ahead for one subscriber (the call's, if the call gets to step 7). */
export type PrefetchedLegalBasis = { subscriber: string; decision: Promise<LegalBasisDecision> };

const E164 = /^\+[1-9][0-9]{4,14}$/;

/** The `phoneNumber` of a JSON object body, if there is a well-formed one; nothing is validated here. */
function phoneNumberIn(body: unknown): string | undefined {
  const number = (body as { phoneNumber?: unknown } | null | undefined)?.phoneNumber;
  return typeof number === 'string' && E164.test(number) ? number : undefined;
}

/**
 * DESIGN §2 hot-path budget: the store reads of the legal-basis check (step 7) leave in the same
 * Redis write as the revocation read and the rate-limit hit (step 3). Runs right before the rate
 * limit: learns the subscriber (the token's, else the body's `phoneNumber`, the body being read
 * but not judged), starts `consent.check` and lets the rate limit issue its commands in the same
 * event-loop turn (ioredis auto-pipelining). Nothing is answered here: errors keep their steps,
 * and requireLegalBasis uses the decision only for the subscriber the call resolved.
 */
export async function prefetchLegalBasis(
  c: Context<Env>,
  /** The body as JSON (undefined when it is not), for a call that has one; not judged here. */
  readBody: () => Promise<unknown> | undefined,
): Promise<void> {
  const access = c.get('access');
  let subscriber = access.subscriber;
  if (subscriber === undefined) {
    const body = readBody();
    if (body !== undefined) subscriber = phoneNumberIn(await body.catch(() => undefined));
  }
  if (subscriber !== undefined && access.purpose !== undefined) {
    const decision = c.get('deps').consent.check({
      clientId: access.clientId,
      purpose: access.purpose,
      subscriber,
      scopes: [...access.scopes],
    });
    decision.catch(() => {}); // requireLegalBasis awaits it: a store failure answers there (503)
    c.set('legalBasis', { subscriber, decision });
  }
}
