/**
 * Sub-keys of the platform secret (TOKEN_SECRET) for the consent machinery, by HKDF-SHA-256
 * (RFC 5869) with a distinct `info` each, so no two uses share key material.
 */
export async function deriveKey(
  secret: Uint8Array<ArrayBuffer>,
  info: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(32),
      info: new TextEncoder().encode(`camara-gateway/${info}`),
    },
    base,
    256,
  );
  return new Uint8Array(bits);
}
