import type { Store } from '../store/port.js';
import { partnerKeys } from '../store/keys.js';

/**
 * A partner: the company (bank, fintech, app maker) that signs the onboarding agreement and owns
 * applications. Suspending a partner suspends every one of its applications at once (kill-switch.ts).
 */
export type Partner = {
  partnerId: string;
  name: string;
  status: 'active' | 'suspended';
  contact?: { name?: string | undefined; email: string } | undefined;
  createdAt: number;
  updatedAt: number;
  /** Kill switch: tokens of its applications issued before this time (ms) stay refused after a resume. */
  tokensNotBefore?: number | undefined;
};

/** Partner records in the store, read fresh on every use: a suspension acts on the next request. */
export class PartnerRegistry {
  constructor(private readonly store: Store) {}

  /** The same registry over another connection to the same store (a Worker opens one per request). */
  on(store: Store): PartnerRegistry {
    return new PartnerRegistry(store);
  }

  async get(partnerId: string): Promise<Partner | null> {
    const raw = await this.store.get(partnerKeys.record(partnerId));
    return raw === null ? null : (JSON.parse(raw) as Partner);
  }

  async put(partner: Partner): Promise<void> {
    await this.store.set(partnerKeys.record(partner.partnerId), JSON.stringify(partner));
  }
}
