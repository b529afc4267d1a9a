import { issuedBeforeCutoff, refusalOf } from '../auth/application-status.js';
import { invalidToken } from '../auth/resource-guard.js';
import type { Partner } from '../admin/partners.js';
import { applicationKeys, partnerKeys } from '../store/keys.js';
import type { Step } from './step.js';

/**
 * Step 2: the token's application is served (not deleted, suspended, outside its validity period,
 * nor of a suspended partner) and the token was not issued before a suspension (kill switch); the
 * same 401 as any other token failure (RFC 6750 §3.1).
 *
 * DESIGN §2/§3: the application's record and its partner's are read in the call's batch, beside
 * the revocation read and the rate-limit hit, so a suspension acts on the very next call on every
 * instance at no extra round trip. The hit needs the plan before the batch leaves: it comes from
 * the last record this process read (`recent`), which every call's batch read refreshes; a plan
 * changed meanwhile is counted again by the limiter (ratelimit/limiter.ts). The status is only ever
 * judged on the record just read. The
 * partner to read comes from the same copy; if the fresh record names another partner, that
 * partner is read on its own (one more round trip, only after such a change).
 */
export const application: Step = {
  name: 'application',
  async read(c, batch) {
    const deps = c.get('deps');
    const access = c.get('access');
    const clientId = access.clientId;
    const known = await deps.applications.recent(clientId);
    if (known === null) {
      deps.metrics.applicationRefused(clientId, 'removed', 'api');
      throw invalidToken();
    }
    c.set('application', known); // its plan feeds the rate-limit hit of this batch
    const record = batch.get(applicationKeys.record(clientId));
    const knownPartner = known.partnerId;
    const partnerRead = knownPartner === undefined ? undefined : batch.get(partnerKeys.record(knownPartner));
    partnerRead?.catch(() => {}); // a failed batch stops the call before this check reads it (503)
    record.catch(() => {});
    return async () => {
      const raw = await record;
      // Missing: unknown client, or a lost registry, which get() tells apart (503, never 401).
      const app =
        raw === null ? await deps.applications.get(clientId) : deps.applications.seen(clientId, raw);
      let partner: Partner | null | undefined;
      if (app?.partnerId === undefined) partner = undefined;
      else if (app.partnerId === knownPartner && partnerRead !== undefined) {
        const rawPartner = await partnerRead;
        partner = rawPartner === null ? null : (JSON.parse(rawPartner) as Partner);
      } else partner = await deps.partners.get(app.partnerId);
      const refusal = refusalOf(app, partner, deps.clock.now());
      if (refusal !== undefined) {
        deps.metrics.applicationRefused(clientId, refusal, 'api');
        throw invalidToken();
      }
      if (issuedBeforeCutoff(access.iat, { app, partner })) throw invalidToken();
      c.set('application', app as NonNullable<typeof app>);
    };
  },
};
