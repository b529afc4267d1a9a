import { base64url, decodeJwt, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Clock } from '../../src/clock.js';
import type { Deps } from '../../src/deps.js';

/**
 * Access tokens that every resource API must refuse with the one generic 401 (Commonalities
 * NOTE 1): forged, tampered, confused algorithms and tokens for another issuer or audience.
 * `deps` holds the platform's signing keys (on the Worker, its twin: the same SIGNING_KEYS).
 */
export async function invalidTokens(p: {
  token(): Promise<string>;
  deps: Deps;
  clock: Clock;
}): Promise<[string, string][]> {
  const valid = await p.token();
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = decodeJwt(valid);
  const { kid, privateKey: platformKey } = await p.deps.keys.signingKey();
  const now = Math.floor(p.clock.now() / 1000);
  const signed = (body: JWTPayload, typ = 'at+jwt') =>
    new SignJWT(body).setProtectedHeader({ alg: 'ES256', typ, kid }).sign(platformKey);
  const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
  const widened = base64url.encode(JSON.stringify({ ...claims, scope: 'sim-swap' }));
  const other = await generateKeyPair('ES256');
  const { jti: _jti, ...withoutJti } = claims;
  return [
    ['tampered signature', `${header}.${payload}.${flipped}`],
    ['tampered payload (scope widened)', `${header}.${widened}.${signature}`],
    ['garbage', 'garbage'],
    ['three empty segments', 'a.b.c'],
    [
      'signed by another key under the platform kid',
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .sign(other.privateKey),
    ],
    ['alg none', `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`],
    [
      'HS256 keyed with the published public key',
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
        .sign(new TextEncoder().encode(JSON.stringify((await p.deps.keys.jwks()).keys[0]))),
    ],
    ['wrong audience', await signed({ ...claims, aud: 'https://other.example' })],
    ['wrong issuer', await signed({ ...claims, iss: 'https://other.example' })],
    ['typ JWT instead of at+jwt (RFC 9068 §4)', await signed(claims, 'JWT')],
    ['not yet valid (nbf in the future)', await signed({ ...claims, nbf: now + 3600 })],
    ['without jti', await signed(withoutJti)],
  ];
}
