/**
 * The consent and legal-basis port (DESIGN §2 step 7, ICM §7.6). The authorization server asks it
 * before issuing a 3-legged token; the resource pipeline asks it on every call, so a withdrawn
 * consent stops access at once, not at token expiry.
 */

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

export interface ConsentService {
  /** The legal basis for this access now; checked at token issuance and on every resource call. */
  check(query: AccessQuery): Promise<LegalBasisDecision>;
  /** Starts a consent capture; the capture URL is what the operator's channel delivers. */
  requestConsent(
    query: AccessQuery & { source: ConsentSource; ttlSeconds: number },
  ): Promise<{ request: ConsentRequest; captureUrl: string }>;
  getRequest(id: string): Promise<ConsentRequest | null>;
}
