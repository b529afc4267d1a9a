import type { Application, ApplicationRegistry } from '../admin/applications.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/platform.js';
import type { Pseudonymizer } from '../privacy/pseudonym.js';
import type { StoreReads } from '../store/batch.js';
import type { Store } from '../store/port.js';
import { consentError } from './errors.js';
import type { ConsentLinks } from './links.js';
import { notificationOf, type ConsentNotifier } from './notifier.js';
import type {
  AccessQuery,
  Actor,
  ConsentCapture,
  ConsentManager,
  ConsentRequest,
  ConsentSource,
  ConsentView,
  Decision,
  LegalBasis,
  LegalBasisDecision,
  PreparedCheck,
  ProcessingStatus,
} from './port.js';
import { PURPOSE_NEUTRAL, type PurposeRegistry } from './purposes.js';
import { ALL_APPLICATIONS, ConsentRecords, statusOf, viewOf, type StoredRecord } from './records.js';
import { ConsentRequests, type StoredRequest } from './requests.js';
import { Withdrawals } from './withdrawals.js';

const DAY_MS = 86_400_000;
const MIN_TTL_S = 30;
const MAX_TTL_S = 86_400;

export type ConsentServiceOptions = {
  store: Store;
  applications: ApplicationRegistry;
  purposes: PurposeRegistry;
  pseudonyms: Pseudonymizer;
  links: ConsentLinks;
  notifier: ConsentNotifier;
  clock: Clock;
  logger: Logger;
  /** 32 bytes: seals the subscriber inside stored capture requests. */
  sealKey: Uint8Array<ArrayBuffer>;
  /** Requests sent through the channel per application and subscriber per day (CIBA, Consent Info). */
  capturesPerDay: number;
  /** Where legal-basis checks and subscribers' decisions are counted. */
  metrics?: Metrics | undefined;
};

export type Gate = { ok: true; app: Application; basis: LegalBasis } | { ok: false; error: () => Error };

/**
 * A granted consent covers a scope it lists, or every scope of an API it lists as a whole;
 * protocol scopes (openid, offline_access) need no consent of their own.
 */
const covers = (granted: readonly string[], requested: readonly string[]) =>
  requested.every(
    (s) => PURPOSE_NEUTRAL(s) || granted.includes(s) || granted.includes(s.split(':')[0] as string),
  );

/**
 * The legal basis of every access (DESIGN §2 step 7, ICM §7.6), on the store: consent records
 * and opt-outs keyed by the subscriber's pseudonym, the purpose registry for the basis per
 * market, and capture requests answered through the consent page or the operator's channel.
 */
export class StoreConsentService implements ConsentManager {
  private readonly records: ConsentRecords;
  private readonly requests: ConsentRequests;
  private readonly withdrawals: Withdrawals;

  constructor(private readonly o: ConsentServiceOptions) {
    this.records = new ConsentRecords(o.store, o.pseudonyms, o.clock);
    this.requests = new ConsentRequests(o.store, o.sealKey);
    this.withdrawals = new Withdrawals({
      ...o,
      records: this.records,
      requests: this.requests,
      gate: (query) => this.gateOrThrow(query, true),
      openRequest: (query) => this.openRequest(query),
    });
  }

  /** The same service over another connection to the same store (a Worker's per-request one). */
  on(store: Store, applications: ApplicationRegistry): StoreConsentService {
    return new StoreConsentService({ ...this.o, store, applications });
  }

  /**
   * Application, purpose and scopes, before any subscriber data is read. A suspended
   * application gets nothing, but its subscribers may still withdraw (`withdrawal`).
   */
  private async gate(
    query: { clientId: string; purpose: string; scopes?: readonly string[] },
    withdrawal = false,
  ): Promise<Gate> {
    const { purposes } = this.o;
    // The recent copy: on a protected call the application step has just judged the status from a
    // fresh read, and these reads must not cost the call a round trip of their own.
    const app = await this.o.applications.recent(query.clientId);
    if (app === null || (app.status !== 'active' && !withdrawal))
      return { ok: false, error: () => consentError('CONSENT.UNKNOWN_APPLICATION') };
    const basis = purposes.legalBasis(query.purpose);
    if (basis === undefined) return { ok: false, error: () => consentError('CONSENT.UNKNOWN_PURPOSE') };
    if (!app.purposes.includes(query.purpose) || !purposes.allowsScopes(query.purpose, query.scopes ?? []))
      return { ok: false, error: () => consentError('CONSENT.PURPOSE_NOT_ALLOWED') };
    return { ok: true, app, basis };
  }

  private async gateOrThrow(query: Parameters<StoreConsentService['gate']>[0], withdrawal = false) {
    const gate = await this.gate(query, withdrawal);
    if (!gate.ok) throw gate.error();
    return gate;
  }

  /** The record of the application and, for legitimate interest, the objection to the purpose as a whole. */
  private async relevant(query: Omit<AccessQuery, 'scopes'>, basis: LegalBasis, reads?: StoreReads) {
    if (basis === 'contract') return { record: null, everyApp: null };
    const clients = basis === 'legitimate_interest' ? [query.clientId, ALL_APPLICATIONS] : [query.clientId];
    const [record = null, everyApp = null] = await this.records.read(
      query.subscriber,
      clients,
      query.purpose,
      reads,
    );
    return { record, everyApp };
  }

  async check(query: AccessQuery): Promise<LegalBasisDecision> {
    return (await this.prepareCheck(query, this.o.store)).decision;
  }

  async prepareCheck(query: AccessQuery, reads: StoreReads): Promise<PreparedCheck> {
    const gate = await this.gate(query);
    if (!gate.ok)
      return { decision: this.counted(Promise.resolve({ allowed: false, reason: 'purpose_not_allowed' })) };
    const basis = gate.basis;
    const relevant = this.relevant(query, basis, reads); // its reads are issued now
    return {
      decision: this.counted(
        relevant.then(({ record, everyApp }) => this.basisDecision(query, basis, record, everyApp)),
      ),
    };
  }

  /** Every legal-basis outcome is counted (metrics), read ahead for a call later refused or not. */
  private counted(decision: Promise<LegalBasisDecision>): Promise<LegalBasisDecision> {
    return decision.then((d) => {
      this.o.metrics?.legalBasisChecked(d);
      return d;
    });
  }

  private basisDecision(
    query: AccessQuery,
    basis: LegalBasis,
    record: StoredRecord | null,
    everyApp: StoredRecord | null,
  ): LegalBasisDecision {
    const now = this.o.clock.now();
    switch (basis) {
      case 'contract':
        return { allowed: true, basis: 'contract' };
      case 'legitimate_interest':
        return record?.status === 'opted_out' || everyApp?.status === 'opted_out'
          ? { allowed: false, reason: 'opted_out' }
          : { allowed: true, basis: 'legitimate_interest' };
      case 'consent':
        return record !== null && statusOf(record, now) === 'granted' && covers(record.scopes, query.scopes)
          ? { allowed: true, basis: 'consent' }
          : { allowed: false, reason: 'consent_required' };
    }
  }

  async status(query: AccessQuery): Promise<ProcessingStatus> {
    const gate = await this.gateOrThrow(query);
    const basis = gate.basis;
    const { record, everyApp } = await this.relevant(query, basis);
    const now = this.o.clock.now();
    if (basis === 'contract') return { valid: true, basis, expiresAt: null };
    if (basis === 'legitimate_interest') {
      if (record?.status !== 'opted_out' && everyApp?.status !== 'opted_out')
        return { valid: true, basis, expiresAt: null };
      return { valid: false, basis, reason: 'OBJECTED', expiresAt: null, pendingRequestId: null };
    }
    const status = record === null ? null : statusOf(record, now);
    if (record !== null && status === 'granted' && covers(record.scopes, query.scopes))
      return { valid: true, basis, expiresAt: record.expiresAt };
    const pendingRequestId = await this.openRequest(query);
    const reason =
      pendingRequestId !== null
        ? 'REQUESTED'
        : status === 'expired'
          ? 'EXPIRED'
          : status === 'revoked'
            ? 'REVOKED'
            : 'PENDING';
    return { valid: false, basis, reason, expiresAt: record?.expiresAt ?? null, pendingRequestId };
  }

  /** The pending capture of this application and purpose, if it is still open. */
  private async openRequest(query: Omit<AccessQuery, 'scopes'>): Promise<string | null> {
    const subject = this.o.pseudonyms.of(query.subscriber);
    const id = await this.requests.pendingId(subject, query.clientId, query.purpose);
    if (id === null) return null;
    return (await this.getRequest(id))?.status === 'pending' ? id : null;
  }

  async requestConsent(query: ConsentCapture): Promise<{ request: ConsentRequest; captureUrl: string }> {
    const { app } = await this.gateOrThrow(query);
    if (!Number.isInteger(query.ttlSeconds) || query.ttlSeconds < MIN_TTL_S || query.ttlSeconds > MAX_TTL_S)
      throw new RangeError(`ttlSeconds must be an integer in ${MIN_TTL_S}..${MAX_TTL_S}`);
    const now = this.o.clock.now();
    const subject = this.o.pseudonyms.of(query.subscriber);
    // Each request through the channel messages the subscriber: a bounded number a day. The
    // authorize flow's page is in the subscriber's own browser, at their own initiative.
    const notifies = query.source !== 'authorize';
    if (notifies && !(await this.requests.allowCapture(query.clientId, subject, this.o.capturesPerDay, now)))
      throw consentError('CONSENT.TOO_MANY_REQUESTS');
    const stored: StoredRequest = {
      id: crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: [...query.scopes],
      source: query.source,
      status: 'pending',
      createdAt: now,
      expiresAt: now + query.ttlSeconds * 1000,
      subject,
      sealed: await this.requests.seal(query.subscriber),
    };
    await this.requests.put(stored, now);
    await this.requests.setPending(stored, now);
    const captureUrl = await this.o.links.url(stored.id, stored.expiresAt);
    const { subject: _s, sealed: _sealed, decidedAt: _d, ...request } = stored;
    this.o.logger.info('consent request created', { requestId: stored.id, ...this.about(stored), subject });
    // A request for nobody is counted and stored like the others (the client sees no difference)
    // but reaches no one.
    if (notifies && query.reachable !== false) {
      const notification = notificationOf(stored, app.name, captureUrl);
      await this.o.notifier.deliver(notification, query.subscriber);
    }
    return { request: { ...request, subscriber: query.subscriber }, captureUrl };
  }

  async getRequest(id: string): Promise<ConsentRequest | null> {
    const stored = await this.requests.get(id);
    return stored === null ? null : this.present(stored);
  }

  /** The request as its readers see it: expired when past its expiry, denied when withdrawn since. */
  private async present(stored: StoredRequest): Promise<ConsentRequest> {
    const subscriber = await this.requests.unseal(stored.sealed);
    const { subject: _s, sealed: _x, decidedAt, ...rest } = stored;
    let status: ConsentRequest['status'] = stored.status;
    if (status === 'pending' && stored.expiresAt <= this.o.clock.now()) status = 'expired';
    if (status === 'pending' || status === 'granted') {
      const record = await this.records.readOne(subscriber, stored.clientId, stored.purpose);
      const withdrawnAt = record?.withdrawnAt ?? Number.NEGATIVE_INFINITY;
      if (withdrawnAt >= (decidedAt ?? stored.createdAt)) status = 'denied';
    }
    return { ...rest, status, subscriber };
  }

  async decideByLink(id: string, decision: Decision): Promise<ConsentRequest> {
    return this.decide(id, decision, undefined);
  }

  async decideByOperator(id: string, subscriber: string, decision: Decision): Promise<ConsentRequest> {
    return this.decide(id, decision, subscriber);
  }

  private async decide(
    id: string,
    decision: Decision,
    claimedBy: string | undefined,
  ): Promise<ConsentRequest> {
    const stored = await this.requests.get(id);
    if (stored === null) throw consentError('CONSENT.REQUEST_NOT_FOUND');
    if (claimedBy !== undefined && !this.o.pseudonyms.candidates(claimedBy).includes(stored.subject))
      throw consentError('CONSENT.SUBSCRIBER_MISMATCH');
    const request = await this.present(stored);
    if (request.status === 'expired') throw consentError('CONSENT.REQUEST_EXPIRED');
    if (request.status !== 'pending') throw consentError('CONSENT.ALREADY_DECIDED');
    const now = this.o.clock.now();
    // Single use: of two concurrent answers (or a replayed form), only the first is recorded.
    if (!(await this.requests.claimDecision(stored, decision, now)))
      throw consentError('CONSENT.ALREADY_DECIDED');
    const status = decision === 'grant' ? 'granted' : 'denied';
    await this.requests.put({ ...stored, status, decidedAt: now }, now);
    await this.requests.clearPending(stored.subject, stored.clientId, stored.purpose, stored.id);
    if (decision === 'grant') await this.grant(request, request.source);
    this.o.metrics?.consentDecided(decision, claimedBy === undefined ? 'link' : 'operator');
    this.o.logger.info('consent request answered', {
      requestId: id,
      ...this.about(stored),
      decision,
      via: claimedBy === undefined ? 'link' : 'operator',
      subject: this.o.pseudonyms.of(request.subscriber),
    });
    return { ...request, status };
  }

  /** Writes a granted consent; scopes already granted and still valid are kept. */
  private async grant(query: AccessQuery, source: ConsentSource, expiresAt?: number): Promise<StoredRecord> {
    const now = this.o.clock.now();
    const days = this.o.purposes.get(query.purpose)?.consentDays ?? 365;
    const existing = await this.records.readOne(query.subscriber, query.clientId, query.purpose);
    const keep = existing !== null && statusOf(existing, now) === 'granted' ? existing.scopes : [];
    return this.records.write(query.subscriber, {
      id: existing?.id ?? crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: [...new Set([...keep, ...query.scopes])],
      status: 'granted',
      source,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      expiresAt: expiresAt ?? now + days * DAY_MS,
    });
  }

  async importConsent(query: AccessQuery & { expiresAt?: number | undefined }): Promise<ConsentView> {
    const { app, basis } = await this.gateOrThrow(query);
    if (basis !== 'consent')
      throw consentError('CONSENT.BASIS_MISMATCH', 'The purpose does not rest on consent in this market.');
    if (!query.scopes.every((s) => app.scopes.includes(s))) throw consentError('CONSENT.PURPOSE_NOT_ALLOWED');
    const record = await this.grant(query, 'operator', query.expiresAt);
    this.o.logger.info('consent imported', { ...this.about(record), subject: record.subject });
    return viewOf(record, this.o.clock.now());
  }

  withdraw(query: Omit<AccessQuery, 'scopes'>, by: Actor): Promise<ConsentView> {
    return this.withdrawals.withdraw(query, by);
  }

  optOut(query: Omit<AccessQuery, 'scopes'>, by: Actor): Promise<ConsentView> {
    return this.withdrawals.optOut(query, by);
  }

  removeOptOut(query: Omit<AccessQuery, 'scopes'>): Promise<boolean> {
    return this.withdrawals.removeOptOut(query);
  }

  list(subscriber: string, clientId: string): Promise<ConsentView[]> {
    return this.withdrawals.list(subscriber, clientId);
  }

  private about(x: { clientId: string; purpose: string }) {
    return { clientId: x.clientId, purpose: x.purpose };
  }
}
