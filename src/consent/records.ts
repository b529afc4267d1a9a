import type { Clock } from '../clock.js';
import type { Pseudonymizer } from '../privacy/pseudonym.js';
import type { StoreReads } from '../store/batch.js';
import type { Store } from '../store/port.js';
import type { Actor, ConsentView } from './port.js';
import { subscriberKeys } from '../store/keys.js';

const DAY_MS = 86_400_000;
/** A lapsed or withdrawn consent stays readable this long (Consent Info EXPIRED / REVOKED). */
export const RETENTION_MS = 30 * DAY_MS;

/** Every application: the `clientId` of an opt-out from a purpose as a whole. */
export const ALL_APPLICATIONS = '*';

/** A record as stored: keyed and marked by the subscriber's pseudonym, never the number. */
export type StoredRecord = Omit<ConsentView, 'status'> & {
  status: 'granted' | 'revoked' | 'opted_out';
  subject: string;
  withdrawnAt?: number | undefined;
  withdrawnBy?: Actor | undefined;
};

const recordKey = subscriberKeys.consent;

/** The status the platform shows: a granted consent past its expiry is `expired`. */
export function statusOf(record: StoredRecord, now: number): ConsentView['status'] {
  if (record.status === 'granted' && record.expiresAt !== null && record.expiresAt <= now) return 'expired';
  return record.status;
}

export function viewOf(record: StoredRecord, now: number): ConsentView {
  const { subject: _s, withdrawnAt: _w, withdrawnBy: _b, ...view } = record;
  return { ...view, status: statusOf(record, now) };
}

/**
 * Consent records and opt-outs, one key per (pseudonymised subscriber, application, purpose).
 * Reads try every key of the pseudonym ring (rotation keeps old records reachable) and issue
 * their GETs together; writes go under the active key and delete the older copies (re-keying).
 */
export class ConsentRecords {
  constructor(
    private readonly store: Store,
    private readonly pseudonyms: Pseudonymizer,
    private readonly clock: Clock,
  ) {}

  /**
   * The record of each application asked for (in order), each found under the newest key that
   * has one. One concurrent batch of GETs: clients × keys in the ring, issued before this returns
   * (so that `reads`, a StoreBatch of the resource pipeline, has them all before it is sent).
   */
  async read(
    subscriber: string,
    clientIds: readonly string[],
    purpose: string,
    reads: StoreReads = this.store,
  ): Promise<(StoredRecord | null)[]> {
    const subjects = this.pseudonyms.candidates(subscriber);
    const pending: Promise<string | null>[] = [];
    for (const clientId of clientIds)
      for (const subject of subjects) pending.push(reads.get(recordKey(subject, clientId, purpose)));
    const values = await Promise.all(pending);
    const records: (StoredRecord | null)[] = [];
    for (let i = 0; i < clientIds.length; i++) {
      let raw: string | null = null;
      for (let j = i * subjects.length; raw === null && j < (i + 1) * subjects.length; j++)
        raw = values[j] ?? null;
      records.push(raw === null ? null : (JSON.parse(raw) as StoredRecord));
    }
    return records;
  }

  async readOne(subscriber: string, clientId: string, purpose: string): Promise<StoredRecord | null> {
    return (await this.read(subscriber, [clientId], purpose))[0] ?? null;
  }

  /** Writes under the active pseudonym and removes copies under older keys. */
  async write(subscriber: string, record: Omit<StoredRecord, 'subject'>): Promise<StoredRecord> {
    const [active, ...older] = this.pseudonyms.candidates(subscriber);
    const stored: StoredRecord = { ...record, subject: active as string };
    await this.store.set(
      recordKey(active as string, record.clientId, record.purpose),
      JSON.stringify(stored),
      this.ttlOf(stored),
    );
    await Promise.all(older.map((s) => this.store.del(recordKey(s, record.clientId, record.purpose))));
    return stored;
  }

  async remove(subscriber: string, clientId: string, purpose: string): Promise<void> {
    const subjects = this.pseudonyms.candidates(subscriber);
    await Promise.all(subjects.map((s) => this.store.del(recordKey(s, clientId, purpose))));
  }

  private ttlOf(record: StoredRecord): number | undefined {
    const now = this.clock.now();
    if (record.status === 'opted_out') return undefined; // an objection stands until lifted
    if (record.status === 'revoked') return RETENTION_MS;
    return record.expiresAt === null ? undefined : Math.max(1, record.expiresAt - now + RETENTION_MS);
  }
}
