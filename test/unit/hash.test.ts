import { createHash, createHmac, hkdfSync, randomBytes, webcrypto } from 'node:crypto';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { ClientSecrets } from '../../src/admin/secrets.js';
import { TokenService } from '../../src/auth/tokens.js';
import { deriveKey } from '../../src/consent/secrets.js';
import { constantTimeEqual, hkdfSha256, HmacKey, hmacSha256, sha256, sha256Hex } from '../../src/hash.js';
import { Pseudonymizer } from '../../src/privacy/pseudonym.js';
import { testPlatform } from '../support/app.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('the one SHA-256 / HMAC-SHA-256 / HKDF (src/hash.ts)', () => {
  it('SHA-256 matches the FIPS 180-2 examples', () => {
    expect(hex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('SHA-256 matches node:crypto for every length around the block boundaries, and UTF-8 text', () => {
    for (let length = 0; length < 200; length++) {
      const data = randomBytes(length);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
    for (const text of ['eyJhbGciOiJFUzI1NiJ9.e30.sig', 'é☃𝄞', '\ud800 lone surrogate'])
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it.each([
    // RFC 4231 §4.2, §4.3, §4.4, §4.6 (truncated to 128 bits), §4.7 (key longer than a block)
    [
      '0b'.repeat(20),
      hex(utf8('Hi There')),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      hex(utf8('Jefe')),
      hex(utf8('what do ya want for nothing?')),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    ['aa'.repeat(20), 'dd'.repeat(50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['0c'.repeat(20), hex(utf8('Test With Truncation')), 'a3b6167473100ee06e0c796c2955552b'],
    [
      'aa'.repeat(131),
      hex(utf8('Test Using Larger Than Block-Size Key - Hash Key First')),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
  ])('HMAC-SHA-256 matches RFC 4231 (key %s…)', (key, data, mac) => {
    expect(hex(hmacSha256(bytes(key), bytes(data))).slice(0, mac.length)).toBe(mac);
    expect(hex(new HmacKey(bytes(key)).mac(bytes(data))).slice(0, mac.length)).toBe(mac);
  });

  it('a reused HMAC key gives the same MAC call after call, equal to node:crypto', () => {
    for (const keyLength of [1, 32, 64, 65, 131]) {
      const key = randomBytes(keyLength);
      const keyed = new HmacKey(key);
      for (const length of [0, 13, 64, 100]) {
        const data = randomBytes(length);
        const expected = createHmac('sha256', key).update(data).digest('hex');
        expect(hex(keyed.mac(data))).toBe(expected);
        expect(hex(keyed.mac(data))).toBe(expected);
      }
    }
  });

  it('HKDF-SHA-256 matches RFC 5869 test case 1', () => {
    const okm = hkdfSha256(
      bytes('0b'.repeat(22)),
      bytes('000102030405060708090a0b0c'),
      bytes('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(hex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('compares in constant time by content and length', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
  });
});

describe('values stored before the change stay valid', () => {
  it('a pseudonym is the one the former hand-written HMAC gave for the same key and number', async () => {
    const p = await Pseudonymizer.fromKeys([{ kid: 'k1', secret: new Uint8Array(32).fill(7) }]);
    // Computed with src/privacy/sha256.ts before it was replaced.
    expect(p.of('+34600000001')).toBe('k1.ZLAUeAKB8d4sQBwmArVIlw');
    expect(p.candidates('+34600000001')).toEqual(['k1.ZLAUeAKB8d4sQBwmArVIlw']);
  });

  it('consent sub-keys are the ones Web Crypto HKDF derived', async () => {
    const secret = new Uint8Array(32).fill(3);
    const base = await webcrypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
    for (const info of ['client-secret', 'consent-link', 'consent-seal']) {
      const before = await webcrypto.subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: utf8(`camara-gateway/${info}`) },
        base,
        256,
      );
      expect(hex(await deriveKey(secret, info))).toBe(hex(new Uint8Array(before)));
      expect(hex(await deriveKey(secret, info))).toBe(
        hex(new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(32), `camara-gateway/${info}`, 32))),
      );
    }
  });

  it('a client secret record written with Web Crypto HMAC still verifies, a wrong secret does not', async () => {
    const key = new Uint8Array(32).fill(9);
    const webKey = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    const mac = await webcrypto.subtle.sign('HMAC', webKey, utf8('s3cret-of-the-client'));
    const stored = `hmac-sha256$${base64url.encode(new Uint8Array(mac))}`;
    const secrets = await ClientSecrets.create(key);
    expect(await secrets.hash('s3cret-of-the-client')).toBe(stored);
    expect(await secrets.verify('s3cret-of-the-client', stored)).toEqual({ matches: true });
    expect(await secrets.verify('s3cret-of-the-clienT', stored)).toEqual({ matches: false });
  });

  it('the pairwise subject is the former Web Crypto HMAC, and a cached token check hits', async () => {
    const p = await testPlatform();
    const secret = new Uint8Array(32).fill(5);
    const tokens = new TokenService({
      keys: p.deps.keys,
      secret,
      issuer: 'http://gateway.test',
      audience: 'http://gateway.test',
      clock: p.clock,
      ttlSeconds: 600,
      cacheSize: 10,
    });
    const expected = createHmac('sha256', secret).update('demo-app\n+34600000001').digest().subarray(0, 24);
    expect(await tokens.pairwiseSubject('demo-app', '+34600000001')).toBe(base64url.encode(expected));
    const { token } = await tokens.issue({
      clientId: 'demo-app',
      scopes: ['sim-swap:check'],
      purpose: undefined,
    });
    const first = await tokens.verify(token);
    expect(await tokens.verify(token)).toBe(first); // the second check is a cache hit
  });
});
