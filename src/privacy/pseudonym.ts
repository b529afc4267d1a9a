import { base64url } from 'jose';
import { HmacKey } from '../hash.js';

/** One pseudonymisation key: `kid` names it inside every pseudonym it made. */
export type PseudonymKey = { kid: string; secret: Uint8Array<ArrayBuffer> };

const KID = /^[A-Za-z0-9_-]{1,16}$/;
/** Domain separation: the same key never yields the same bytes for another kind of identifier. */
const DOMAIN = 'camara-gateway/subscriber/v1\n';

/**
 * Keyed pseudonyms of subscriber numbers (HMAC-SHA-256, truncated to 128 bits), so that logs,
 * audit records and store keys never hold a number in clear. A pseudonym is `<kid>.<mac>`.
 *
 * Rotation: the first key of the ring makes new pseudonyms; older keys stay in the ring so that
 * `candidates()` still finds records written under them. Writers re-key (write under the active
 * pseudonym, delete the old ones), so old keys can leave the ring once their records are gone.
 */
export class Pseudonymizer {
  private constructor(private readonly ring: { kid: string; key: HmacKey }[]) {}

  static async fromKeys(keys: readonly PseudonymKey[]): Promise<Pseudonymizer> {
    if (keys.length === 0) throw new Error('pseudonym key ring is empty');
    const seen = new Set<string>();
    const ring: { kid: string; key: HmacKey }[] = [];
    for (const { kid, secret } of keys) {
      if (!KID.test(kid) || seen.has(kid))
        throw new Error(`pseudonym key id ${JSON.stringify(kid)} is invalid`);
      if (secret.length < 32) throw new Error(`pseudonym key ${kid} must be at least 32 bytes`);
      seen.add(kid);
      ring.push({ kid, key: new HmacKey(secret) });
    }
    return new Pseudonymizer(ring);
  }

  /**
   * A key made at start: pseudonyms die with the process (development only). Its id is new at
   * every start too, so that nothing written under one process's key is taken for readable by
   * the next (see `hasKey`).
   */
  static async ephemeral(): Promise<Pseudonymizer> {
    const kid = `eph-${base64url.encode(crypto.getRandomValues(new Uint8Array(6)))}`;
    return Pseudonymizer.fromKeys([{ kid, secret: crypto.getRandomValues(new Uint8Array(32)) }]);
  }

  get activeKid(): string {
    return (this.ring[0] as { kid: string }).kid;
  }

  /**
   * The pseudonym under the active key: what every new record and log line carries. Synchronous
   * (src/hash.ts), so a lookup's store reads leave in the same turn as the call's other
   * reads.
   */
  of(subscriber: string): string {
    return this.mac(this.ring[0] as { kid: string; key: HmacKey }, subscriber);
  }

  /** The pseudonyms under every key of the ring, the active one first: for lookups. */
  candidates(subscriber: string): string[] {
    return this.ring.map((entry) => this.mac(entry, subscriber));
  }

  /**
   * True when the ring holds key `kid`: records written under it can be found. False means that
   * their absence proves nothing (the key is missing, e.g. a start without PSEUDONYM_KEYS).
   */
  hasKey(kid: string): boolean {
    return this.ring.some((entry) => entry.kid === kid);
  }

  /** True when the pseudonym was made with the active key (no re-keying needed). */
  isCurrent(pseudonym: string): boolean {
    return pseudonym.startsWith(`${this.activeKid}.`);
  }

  private mac(entry: { kid: string; key: HmacKey }, subscriber: string): string {
    return `${entry.kid}.${base64url.encode(entry.key.mac(DOMAIN + subscriber).subarray(0, 16))}`;
  }
}

/**
 * `PSEUDONYM_KEYS`: `kid:base64url-secret` entries separated by commas, the active key first,
 * e.g. `k2:<43 chars>,k1:<43 chars>` while k1's records are re-keyed.
 */
export function parsePseudonymKeys(text: string): PseudonymKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const i = part.indexOf(':');
      if (i <= 0) throw new Error('each entry must be kid:base64url-secret');
      const kid = part.slice(0, i);
      if (!KID.test(kid)) throw new Error(`key id ${JSON.stringify(kid)} must match ${KID.source}`);
      let secret: Uint8Array<ArrayBuffer>;
      try {
        secret = new Uint8Array(base64url.decode(part.slice(i + 1)));
      } catch {
        throw new Error(`key ${kid} is not base64url`);
      }
      if (secret.length < 32) throw new Error(`key ${kid} must be at least 32 bytes`);
      return { kid, secret };
    });
}
