import type { ApplicationRegistry } from '../admin/applications.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { consentError } from './errors.js';
import type { AccessQuery, Actor, ConsentView, LegalBasis } from './port.js';
import type { PurposeRegistry } from './purposes.js';
import { ALL_APPLICATIONS, statusOf, viewOf, type ConsentRecords } from './records.js';
import type { ConsentRequests } from './requests.js';

type Query = Omit<AccessQuery, 'scopes'>;

export type WithdrawalOptions = {
  records: ConsentRecords;
  requests: ConsentRequests;
  purposes: PurposeRegistry;
  applications: ApplicationRegistry;
  clock: Clock;
  logger: Logger;
  /** The application/purpose gate of the service; throws its clear errors. */
  gate: (query: Query) => Promise<{ basis: LegalBasis }>;
  /** The open capture request of the triple, if any. */
  openRequest: (query: Query) => Promise<string | null>;
};

/**
 * Withdrawals and objections (GDPR art. 7(3) and 21): a consent withdrawn, or an objection to a
 * legitimate-interest purpose recorded, for one application or for all (`*`). From that moment
 * the legal-basis check refuses; open capture requests of the triple are void.
 */
export class Withdrawals {
  constructor(private readonly o: WithdrawalOptions) {}

  async withdraw(query: Query, by: Actor): Promise<ConsentView> {
    const { basis } = await this.o.gate(query);
    if (basis === 'contract')
      throw consentError('CONSENT.BASIS_MISMATCH', 'Processing under a contract is not withdrawn here.');
    // An objection is the subscriber's own right (GDPR art. 21): an application that named the
    // number itself cannot record one in their name, and it holds no consent to give back.
    if (basis === 'legitimate_interest') {
      if (by === 'application') throw consentError('CONSENT.NOTHING_TO_WITHDRAW');
      return this.optOut(query, by);
    }
    const now = this.o.clock.now();
    const record = await this.o.records.readOne(query.subscriber, query.clientId, query.purpose);
    const pending = await this.o.openRequest(query);
    if ((record === null || statusOf(record, now) !== 'granted') && pending === null)
      throw consentError('CONSENT.NOTHING_TO_WITHDRAW');
    // Without a record, what is withdrawn is the open capture: the record says where it came from.
    const source =
      record?.source ?? (pending === null ? undefined : (await this.o.requests.get(pending))?.source);
    // From this moment: resource calls and refreshes fail the check; open captures are void.
    const written = await this.o.records.write(query.subscriber, {
      id: record?.id ?? crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: record?.scopes ?? [],
      status: 'revoked',
      source: source ?? 'operator',
      createdAt: record?.createdAt ?? now,
      updatedAt: now,
      expiresAt: record?.expiresAt ?? null,
      withdrawnAt: now,
      withdrawnBy: by,
    });
    if (pending !== null) await this.o.requests.clearPending(written.subject, query.clientId, query.purpose);
    this.o.logger.info('consent withdrawn', { ...this.about(written), by, subject: written.subject });
    return viewOf(written, now);
  }

  async optOut(query: Query, by: Actor): Promise<ConsentView> {
    await this.gateObjection(query);
    const now = this.o.clock.now();
    const existing = await this.o.records.readOne(query.subscriber, query.clientId, query.purpose);
    const written = await this.o.records.write(query.subscriber, {
      id: existing?.id ?? crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: [],
      status: 'opted_out',
      source: 'operator',
      createdAt: existing?.status === 'opted_out' ? existing.createdAt : now,
      updatedAt: now,
      expiresAt: null,
      withdrawnAt: now,
      withdrawnBy: by,
    });
    this.o.logger.info('opt-out recorded', { ...this.about(written), by, subject: written.subject });
    return viewOf(written, now);
  }

  async removeOptOut(query: Query): Promise<boolean> {
    await this.gateObjection(query);
    const existing = await this.o.records.readOne(query.subscriber, query.clientId, query.purpose);
    if (existing?.status !== 'opted_out') return false;
    await this.o.records.remove(query.subscriber, query.clientId, query.purpose);
    this.o.logger.info('opt-out lifted', { ...this.about(existing), subject: existing.subject });
    return true;
  }

  /** Objections apply to legitimate interest only; `*` objects for every application. */
  private async gateObjection(query: Query): Promise<void> {
    if (query.clientId !== ALL_APPLICATIONS) await this.o.gate(query);
    const basis = this.o.purposes.legalBasis(query.purpose);
    if (basis === undefined) throw consentError('CONSENT.UNKNOWN_PURPOSE');
    if (basis !== 'legitimate_interest')
      throw consentError(
        'CONSENT.BASIS_MISMATCH',
        'Only a purpose resting on legitimate interest takes an opt-out.',
      );
  }

  async list(subscriber: string, clientId: string): Promise<ConsentView[]> {
    const app = await this.o.applications.recent(clientId);
    if (app === null) throw consentError('CONSENT.UNKNOWN_APPLICATION');
    const now = this.o.clock.now();
    const purposes = app.purposes.filter((p) => this.o.purposes.get(p) !== undefined);
    const found = await Promise.all(
      purposes.map((p) => this.o.records.read(subscriber, [clientId, ALL_APPLICATIONS], p)),
    );
    return found.flat().flatMap((r) => (r === null ? [] : [viewOf(r, now)]));
  }

  private about(x: { clientId: string; purpose: string }) {
    return { clientId: x.clientId, purpose: x.purpose };
  }
}
