import type { Context } from 'hono';
import type { Env } from '../http/env.js';
import { parsedJson } from '../http/json-body.js';
import type { StoreReads } from '../store/batch.js';
import type { AccessQuery, ConsentService, LegalBasisDecision, PreparedCheck } from './port.js';

/** A legal-basis decision read ahead for one subscriber (the call's, if the call gets to step 7). */
export type PrefetchedLegalBasis = { subscriber: string; decision: Promise<LegalBasisDecision> };

const E164 = /^\+[1-9][0-9]{4,14}$/;

/** The `phoneNumber` of a JSON object body, if there is a well-formed one; nothing is validated here. */
function phoneNumberIn(body: unknown): string | undefined {
  const number = (body as { phoneNumber?: unknown } | null | undefined)?.phoneNumber;
  return typeof number === 'string' && E164.test(number) ? number : undefined;
}

/**
 * DESIGN §2 hot-path budget: the store reads of the legal-basis check (step 7) are added to the
 * call's batch (pipeline/legal-basis.ts), for the likely subscriber: the token's, else the body's
 * `phoneNumber` (the body being read, not judged). Nothing is answered here: errors keep their
 * steps, and requireLegalBasis uses the decision only for the subscriber the call resolved.
 */
export async function readLegalBasis(c: Context<Env>, reads: StoreReads): Promise<void> {
  const access = c.get('access');
  let subscriber = access.subscriber;
  const raw = c.get('rawBody');
  if (subscriber === undefined && raw !== undefined) {
    subscriber = phoneNumberIn(
      await raw.then(
        (bytes) => parsedJson(c, bytes)?.value,
        () => undefined,
      ),
    );
  }
  if (subscriber === undefined || access.purpose === undefined) return;
  const consent = c.get('deps').consent;
  const query: AccessQuery = {
    clientId: access.clientId,
    purpose: access.purpose,
    subscriber,
    scopes: [...access.scopes],
  };
  const { decision } = await prepare(consent, query, reads);
  c.set('legalBasis', { subscriber, decision });
}

/**
 * The check under way. prepareCheck is awaited (not the decision), so that every read of the
 * check is in the batch before it leaves; the decision is awaited by requireLegalBasis, where a
 * store failure answers (503).
 */
async function prepare(
  consent: ConsentService,
  query: AccessQuery,
  reads: StoreReads,
): Promise<PreparedCheck> {
  let decision: Promise<LegalBasisDecision>;
  if (consent.prepareCheck === undefined) decision = consent.check(query);
  else {
    try {
      decision = (await consent.prepareCheck(query, reads)).decision;
    } catch (error) {
      decision = Promise.reject(error);
    }
  }
  decision.catch(() => {}); // read at step 7, if the call gets there
  return { decision }; // wrapped: an async function returning the promise itself would await it
}
