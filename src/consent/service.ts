import type { ApplicationRegistry } from '../admin/applications.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/port.js';
import type {
  AccessQuery,
  ConsentRequest,
  ConsentService,
  ConsentSource,
  LegalBasisDecision,
} from './port.js';

const REQUEST_KEY = (id: string) => `consent-req:${id}`;

/**
 * Legal basis from the application's onboarding record: a purpose the application may declare is
 * treated as legitimate interest. Consent records, opt-outs and the per-market purpose registry
 * extend this check.
 */
export class OnboardingConsentService implements ConsentService {
  constructor(
    private readonly store: Store,
    private readonly applications: ApplicationRegistry,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  async check(query: AccessQuery): Promise<LegalBasisDecision> {
    const app = await this.applications.get(query.clientId);
    if (app === null || !app.purposes.includes(query.purpose))
      return { allowed: false, reason: 'purpose_not_allowed' };
    return { allowed: true, basis: 'legitimate_interest' };
  }

  async requestConsent(
    query: AccessQuery & { source: ConsentSource; ttlSeconds: number },
  ): Promise<{ request: ConsentRequest; captureUrl: string }> {
    const now = this.clock.now();
    const request: ConsentRequest = {
      id: crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: [...query.scopes],
      subscriber: query.subscriber,
      source: query.source,
      status: 'pending',
      createdAt: now,
      expiresAt: now + query.ttlSeconds * 1000,
    };
    await this.store.set(REQUEST_KEY(request.id), JSON.stringify(request), query.ttlSeconds * 1000);
    return { request, captureUrl: `${this.publicUrl}/consent/${request.id}` };
  }

  async getRequest(id: string): Promise<ConsentRequest | null> {
    const raw = await this.store.get(REQUEST_KEY(id));
    if (raw === null) return null;
    const request = JSON.parse(raw) as ConsentRequest;
    return request.status === 'pending' && request.expiresAt <= this.clock.now()
      ? { ...request, status: 'expired' }
      : request;
  }
}
