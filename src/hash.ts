import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

/**
 * The one SHA-256 / HMAC-SHA-256 / HKDF of the platform, on every runtime: @noble/hashes
 * (audited, pure JS, synchronous). Web Crypto is asynchronous and, on Node, runs on the libuv
 * thread pool: a token-cache key or a pseudonym computed with it costs an event-loop turn and more
 * CPU than the rest of a cached token check, and the consent reads of a call could then not leave
 * in the same Redis write as the rate-limit hit (DESIGN §2 hot-path budget).
 */

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

export { hexToBytes, sha256 };

/** Lowercase hex SHA-256 of the UTF-8 text: store keys of tokens and codes, the token-cache key. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8(text)));
}

/** HMAC-SHA-256 (RFC 2104) of `data` (bytes, or text as UTF-8) under `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array | string): Uint8Array<ArrayBuffer> {
  return hmac(sha256, key, typeof data === 'string' ? utf8(data) : data) as Uint8Array<ArrayBuffer>;
}

/**
 * HMAC-SHA-256 for repeated use of one key: the states after the inner and outer key pads are
 * computed once (RFC 2104 §4), so each MAC of a short input costs two compressions.
 */
export class HmacKey {
  private readonly keyed: ReturnType<typeof hmac.create>;

  constructor(key: Uint8Array) {
    this.keyed = hmac.create(sha256, key);
  }

  /** A pseudonym is computed on every consent check (hot path): the keyed state is cloned, not rebuilt. */
  mac(data: Uint8Array | string): Uint8Array<ArrayBuffer> {
    return this.keyed
      .clone()
      .update(typeof data === 'string' ? utf8(data) : data)
      .digest() as Uint8Array<ArrayBuffer>;
  }
}

/** HKDF-SHA-256 (RFC 5869). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array | string,
  length: number,
): Uint8Array<ArrayBuffer> {
  return hkdf(
    sha256,
    ikm,
    salt,
    typeof info === 'string' ? utf8(info) : info,
    length,
  ) as Uint8Array<ArrayBuffer>;
}

/** Equality of two byte strings in time that depends on their lengths only. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
