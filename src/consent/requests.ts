import { CompactEncrypt, compactDecrypt } from 'jose';
import type { Store } from '../store/port.js';
import type { ConsentRequest, ConsentRequestStatus } from './port.js';
import { grantKeys, subscriberKeys } from '../store/keys.js';

/** A request stays readable this long after it expires: polls get `expired`, replays a clear error. */
export const REQUEST_RETENTION_MS = 3_600_000;

/**
 * A capture request as stored: the subscriber as a pseudonym (`subject`, for lookups and logs)
 * and sealed (AES-256-GCM, for the token the authorization server issues after approval), never
 * in clear.
 */
export type StoredRequest = Omit<ConsentRequest, 'subscriber' | 'status'> & {
  status: Exclude<ConsentRequestStatus, 'expired'>;
  subject: string;
  sealed: string;
  decidedAt?: number | undefined;
};

const DAY_MS = 86_400_000;

const requestKey = grantKeys.consentRequest;
const captureKey = (clientId: string, subject: string) => subscriberKeys.captureBudget(subject, clientId);
const decidedKey = grantKeys.consentDecided;
const pendingKey = subscriberKeys.pendingConsent;

export class ConsentRequests {
  constructor(
    private readonly store: Store,
    private readonly sealKey: Uint8Array<ArrayBuffer>,
  ) {}

  async seal(subscriber: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(subscriber))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.sealKey);
  }

  async unseal(sealed: string): Promise<string> {
    const { plaintext } = await compactDecrypt(sealed, this.sealKey, { keyManagementAlgorithms: ['dir'] });
    return new TextDecoder().decode(plaintext);
  }

  async get(id: string): Promise<StoredRequest | null> {
    // Ids are UUIDs; anything else cannot name a request (and never reaches the store).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return null;
    const raw = await this.store.get(requestKey(id));
    return raw === null ? null : (JSON.parse(raw) as StoredRequest);
  }

  async put(request: StoredRequest, now: number): Promise<void> {
    const ttl = Math.max(1, request.expiresAt + REQUEST_RETENTION_MS - now);
    await this.store.set(requestKey(request.id), JSON.stringify(request), ttl);
  }

  /** The single-use lock of a decision: true for the first caller only. */
  async claimDecision(request: StoredRequest, decision: string, now: number): Promise<boolean> {
    const ttl = Math.max(1, request.expiresAt + REQUEST_RETENTION_MS - now);
    return this.store.setIfAbsent(decidedKey(request.id), decision, ttl);
  }

  /** One more message to the subscriber from this application today, within `perDay`. */
  async allowCapture(clientId: string, subject: string, perDay: number, now: number): Promise<boolean> {
    const rule = { name: 'capture', limit: perDay, windowMs: DAY_MS };
    return (await this.store.hit(captureKey(clientId, subject), [rule], now)).allowed;
  }

  /** The open capture of an application and purpose for a subscriber (one at a time). */
  async pendingId(subject: string, clientId: string, purpose: string): Promise<string | null> {
    return this.store.get(pendingKey(subject, clientId, purpose));
  }

  async setPending(request: StoredRequest, now: number): Promise<void> {
    await this.store.set(
      pendingKey(request.subject, request.clientId, request.purpose),
      request.id,
      Math.max(1, request.expiresAt - now),
    );
  }

  async clearPending(subject: string, clientId: string, purpose: string, id?: string): Promise<void> {
    const key = pendingKey(subject, clientId, purpose);
    if (id === undefined || (await this.store.get(key)) === id) await this.store.del(key);
  }
}
