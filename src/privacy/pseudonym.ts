import { base64url } from 'jose';
import { HmacSha256 } from './sha256.js';

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
  private constructor(private readonly ring: { kid: string; key: HmacSha256 }[]) {}

  static async fromKeys(keys: readonly PseudonymKey[]): Promise<Pseudonymizer> {
    if (keys.length === 0) throw new Error('pseudonym key ring is empty');
    const seen = new Set<string>();
    const ring: { kid: string; key: HmacSha256 }[] = [];
    for (const { kid, secret } of keys) {
      if (!KID.test(kid) || seen.has(kid))
        throw new Error(`pseudonym key id ${JSON.stringify(kid)} is invalid`);
      if (secret.length < 32) throw new Error(`pseudonym key ${kid} must be at least 32 bytes`);
      seen.add(kid);
      ring.push({ kid, key: new HmacSha256(secret) });
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
   * (src/privacy/sha256.ts), so a lookup's store reads leave in the same turn as the call's other
   * reads.
   */
  of(subscriber: string): string {
    return this.mac(this.ring[0] as { kid: string; key: HmacSha256 }, subscriber);
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

  private mac(entry: { kid: string; key: HmacSha256 }, subscriber: string): string {
    return `${entry.kid}.${base64url16(entry.key.mac(utf8(DOMAIN + subscriber)))}`;
  }
}

// A pseudonym is computed on every consent check (the hot path): the input is encoded into a
// reused buffer and the MAC's first 16 bytes written as base64url without an intermediate copy.
const encoder = new TextEncoder();
let scratch = new Uint8Array(128);

function utf8(text: string): Uint8Array {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const sextet = (n: number) => B64URL.charAt(n & 63);

/** RFC 4648 §5 base64url of the first 16 bytes, without padding (22 characters). */
function base64url16(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 15; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += sextet(n >>> 18) + sextet(n >>> 12) + sextet(n >>> 6) + sextet(n);
  }
  const last = bytes[15] as number;
  return out + sextet(last >>> 2) + sextet((last & 3) << 4);
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
