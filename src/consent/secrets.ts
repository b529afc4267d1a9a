import { hkdfSha256 } from '../hash.js';

/**
 * Sub-keys of the platform secret (TOKEN_SECRET) for the consent machinery, by HKDF-SHA-256
 * (RFC 5869) with a distinct `info` each, so no two uses share key material.
 */
export async function deriveKey(
  secret: Uint8Array<ArrayBuffer>,
  info: string,
): Promise<Uint8Array<ArrayBuffer>> {
  // RFC 5869 §2.2: a salt of HashLen zeros, as Web Crypto's HKDF was given before.
  return hkdfSha256(secret, new Uint8Array(32), `camara-gateway/${info}`, 32);
}
