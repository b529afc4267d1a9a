import { ApiError } from '../errors.js';
import type { Store } from '../store/port.js';
import { partnerKeys } from '../store/keys.js';
import { createRecord, seedRecord, updateRecord, type Change } from './record-update.js';

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

  /** Onboards a new partner: written only where no record is (ALREADY_EXISTS otherwise). */
  async create(partner: Partner): Promise<void> {
    await createRecord(this.store, partnerKeys.record(partner.partnerId), partner);
  }

  /**
   * Edits the record by compare-and-set, `change` applied again on a fresh read after a lost race
   * (see ApplicationRegistry.update): a partner update never reverts a suspension. NOT_FOUND when
   * absent, ABORTED (409) when every attempt lost its race.
   */
  async update(partnerId: string, change: Change<Partner>): Promise<Partner> {
    const updated = await updateRecord(this.store, partnerKeys.record(partnerId), change);
    if (updated === null) throw new ApiError('NOT_FOUND');
    return updated;
  }

  /** The sandbox seed's fixed record (admin/record-update.ts seedRecord). */
  async seed(partner: Partner, merge: Change<Partner>): Promise<Partner> {
    return seedRecord(this.store, partnerKeys.record(partner.partnerId), partner, merge);
  }

  /** Writes the record whatever the store holds: for fixtures only (the platform: create, update). */
  async put(partner: Partner): Promise<void> {
    await this.store.set(partnerKeys.record(partner.partnerId), JSON.stringify(partner));
  }
}
