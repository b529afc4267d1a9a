/**
 * The consent and legal-basis port (DESIGN §2 step 7, ICM §7.6). The authorization server asks it
 * before issuing a 3-legged token; the resource pipeline asks it on every call, so a withdrawn
 * consent stops access at once, not at token expiry.
 */

import type { StoreReads } from '../store/batch.js';

export type LegalBasis = 'consent' | 'legitimate_interest' | 'contract';

/** Who wants what about whom: one application, one declared purpose, one subscriber. */
export type AccessQuery = {
  clientId: string;
  purpose: string;
  /** E.164 subscriber number. */
  subscriber: string;
  scopes: readonly string[];
};

export type LegalBasisDecision =
  | { allowed: true; basis: LegalBasis }
  | { allowed: false; reason: 'consent_required' | 'opted_out' | 'purpose_not_allowed' };

export type ConsentSource = 'ciba' | 'authorize' | 'consent-info' | 'operator';

/** A capture to start: who, through which flow, for how long, and whether anyone can receive it. */
export type ConsentCapture = AccessQuery & {
  source: ConsentSource;
  ttlSeconds: number;
  reachable?: boolean | undefined;
};

export type ConsentRequestStatus = 'pending' | 'granted' | 'denied' | 'expired';

/** A pending capture: the subscriber approves or denies it through the operator's channel. */
export type ConsentRequest = {
  id: string;
  clientId: string;
  purpose: string;
  scopes: readonly string[];
  subscriber: string;
  source: ConsentSource;
  status: ConsentRequestStatus;
  createdAt: number;
  expiresAt: number;
};

/** A legal-basis check whose store reads are under way (ConsentService.prepareCheck). */
export type PreparedCheck = { decision: Promise<LegalBasisDecision> };

export interface ConsentService {
  /** The legal basis for this access now; checked at token issuance and on every resource call. */
  check(query: AccessQuery): Promise<LegalBasisDecision>;
  /**
   * check() in two halves, for the resource pipeline (DESIGN §2 hot-path budget): once this
   * resolves, every store read of the check has been asked of `reads` (the call's StoreBatch),
   * and `decision` settles from their replies. A service without store reads may omit it.
   */
  prepareCheck?(query: AccessQuery, reads: StoreReads): Promise<PreparedCheck>;
  /**
   * Starts a consent capture; the capture URL is what the operator's channel delivers. Requests
   * that go through the channel are limited per application and subscriber per day
   * (`CONSENT.TOO_MANY_REQUESTS`). `reachable: false` (the number is held by no subscriber): the
   * request is stored and counted like any other, so that nothing the client can observe differs,
   * but the channel sends nothing.
   */
  requestConsent(query: ConsentCapture): Promise<{ request: ConsentRequest; captureUrl: string }>;
  getRequest(id: string): Promise<ConsentRequest | null>;
}

/** The stored state of one (subscriber, application, purpose) relationship. */
export type ConsentStatus = 'granted' | 'revoked' | 'expired' | 'opted_out';

/** A consent or an opt-out, as the platform shows it: never the subscriber's number. */
export type ConsentView = {
  id: string;
  /** The application, or `*` for an opt-out from the purpose for every application. */
  clientId: string;
  purpose: string;
  scopes: readonly string[];
  status: ConsentStatus;
  source: ConsentSource;
  createdAt: number;
  updatedAt: number;
  /** When a granted consent lapses; null: no expiry (opt-outs). */
  expiresAt: number | null;
};

/**
 * Who withdrew: the subscriber (self-service with a token the network authenticated them for),
 * the application (self-service with a token for a number it only named, amr `client_asserted`:
 * the subscriber took no part), or the operator (its own channel). The record's `clientId` names
 * the application.
 */
export type Actor = 'subscriber' | 'application' | 'operator';

/** The validity of processing for Consent Info (CAMARA ConsentInfo `statusReason`). */
export type ProcessingStatus =
  | { valid: true; basis: LegalBasis; expiresAt: number | null }
  | {
      valid: false;
      reason: 'PENDING' | 'REQUESTED' | 'REVOKED' | 'EXPIRED' | 'OBJECTED';
      basis: LegalBasis;
      expiresAt: number | null;
      /** The pending capture request of this application and purpose, if any. */
      pendingRequestId: string | null;
    };

export type Decision = 'grant' | 'deny';

/**
 * Everything beyond the legal-basis check: decisions on capture requests, imports, withdrawals,
 * opt-outs and listings. Every refusal is a ConsentError with a stable code; nothing is stored
 * when a request is refused.
 */
export interface ConsentManager extends ConsentService {
  /** The subscriber's answer through the link the channel delivered (the link was verified). */
  decideByLink(id: string, decision: Decision): Promise<ConsentRequest>;
  /** The operator's channel relays the answer of `subscriber` (who must be the request's). */
  decideByOperator(id: string, subscriber: string, decision: Decision): Promise<ConsentRequest>;
  /** A consent the operator captured elsewhere (source `operator`). */
  importConsent(query: AccessQuery & { expiresAt?: number | undefined }): Promise<ConsentView>;
  /**
   * Withdraws consent (consent basis) or records an objection (legitimate interest; never by the
   * application, which cannot object in the subscriber's name: NOTHING_TO_WITHDRAW).
   */
  withdraw(query: Omit<AccessQuery, 'scopes'>, by: Actor): Promise<ConsentView>;
  /** An objection to the purpose for one application, or for every application (`clientId` `*`). */
  optOut(query: Omit<AccessQuery, 'scopes'>, by: Actor): Promise<ConsentView>;
  /** Lifts an objection recorded by optOut or withdraw. */
  removeOptOut(query: Omit<AccessQuery, 'scopes'>): Promise<boolean>;
  /** The subscriber's consents and opt-outs with one application, one per purpose. */
  list(subscriber: string, clientId: string): Promise<ConsentView[]>;
  /** Consent Info: the validity of processing now, and why not. */
  status(query: AccessQuery): Promise<ProcessingStatus>;
}
