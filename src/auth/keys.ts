import {
  base64url,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

export const SIGNING_ALG = 'ES256';

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };

/**
 * The platform's token signing keys. The first key signs; every key is published in the JWKS
 * so tokens signed by a previous key stay verifiable until they expire (rotation overlap).
 */
export class SigningKeys {
  readonly verifyKey: JWTVerifyGetKey;

  private constructor(private readonly keys: SigningKey[]) {
    this.verifyKey = createLocalJWKSet(this.jwks());
  }

  get active(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** An ephemeral key for the embedded mode: tokens die with the process. */
  static async generate(): Promise<SigningKeys> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    return new SigningKeys([
      { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' } },
    ]);
  }

  /** From configuration: a JSON JWK set of private EC P-256 keys, the signing key first. */
  static async fromJwkSet(json: string): Promise<SigningKeys> {
    const parsed = JSON.parse(json) as { keys?: JWK[] };
    if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new Error('SIGNING_KEYS has no keys');
    const keys: SigningKey[] = [];
    for (const jwk of parsed.keys) {
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
        throw new Error('SIGNING_KEYS: every key must be a private EC P-256 JWK');
      }
      const { d: _d, ...pub } = jwk;
      void _d;
      const kid = jwk.kid ?? (await calculateJwkThumbprint(pub));
      const privateKey = (await importJWK({ ...jwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
      keys.push({ kid, privateKey, publicJwk: { ...pub, kid, alg: SIGNING_ALG, use: 'sig' } });
    }
    return new SigningKeys(keys);
  }
}

/** A 256-bit secret for token claim encryption and pairwise subjects; from config or ephemeral. */
export function secretFrom(encoded: string | undefined): Uint8Array<ArrayBuffer> {
  if (encoded === undefined) return crypto.getRandomValues(new Uint8Array(32));
  const bytes = new Uint8Array(base64url.decode(encoded));
  if (bytes.length !== 32) throw new Error('TOKEN_SECRET must be 32 bytes, base64url-encoded');
  return bytes;
}
