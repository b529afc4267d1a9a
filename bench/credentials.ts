import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';

/**
 * Keys and credentials the load generator presents: the peer's access token, the sandbox
 * demo-backend key for `private_key_jwt` client assertions (one fresh assertion per request),
 * Basic credentials. All of it built here, in the bench process.
 */
type Jwk = {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d?: string;
  kid: string;
  alg: string;
  use?: string;
};

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The sandbox demo-backend key (sandbox/demo-backend.private-jwks.json), private part included. */
export function sandboxSigningJwk(): Jwk {
  const file = JSON.parse(readFileSync('sandbox/demo-backend.private-jwks.json', 'utf8')) as { keys: Jwk[] };
  const key = file.keys[0];
  if (key === undefined) throw new Error('sandbox/demo-backend.private-jwks.json holds no key');
  return key;
}

export function publicJwk(jwk: Jwk): Jwk {
  const { d: _d, ...rest } = jwk;
  void _d;
  return rest;
}

/** A fresh P-256 key as a private JWK (kid, alg ES256). */
export function newSigningJwk(kid: string): Jwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as Jwk), kid, alg: 'ES256', use: 'sig' };
}

/**
 * `private_key_jwt` assertions, each with its own jti. Synchronous (node:crypto), since
 * autocannon's setupRequest is: one is signed per request just before it is sent.
 */
export function assertionMaker(jwk: Jwk, clientId: string, audience: string): () => string {
  const key: KeyObject = createPrivateKey({ key: jwk, format: 'jwk' });
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' }));
  const prefix = randomBytes(8).toString('hex');
  let n = 0;
  return () => {
    const iat = Math.floor(Date.now() / 1000);
    const payload = b64url(
      JSON.stringify({
        iss: clientId,
        sub: clientId,
        aud: audience,
        jti: `${prefix}-${n++}`,
        iat,
        exp: iat + 60,
      }),
    );
    const input = `${header}.${payload}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(signature)}`;
  };
}

export function basicAuthorization(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** The peer's key pair and an ES256 access token it accepts (iss, aud, exp, scope, client_id). */
export async function peerCredentials(
  issuer: string,
  audience: string,
  scope: string,
): Promise<{ publicKeyPem: string; token: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const token = await new SignJWT({ scope, client_id: 'bench-peer' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('bench-peer')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return { publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), token };
}
