import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha256, sha256 } from '../../src/privacy/sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('synchronous SHA-256 and HMAC-SHA-256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('matches node:crypto for every length around the block boundaries', () => {
    for (let length = 0; length < 200; length++) {
      const data = randomBytes(length);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('HMAC matches node:crypto, short and long keys (RFC 4231 case 2 included)', () => {
    const rfc = new HmacSha256(new TextEncoder().encode('Jefe')).mac(
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(hex(rfc)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    for (const keyLength of [1, 32, 64, 65, 131]) {
      const key = randomBytes(keyLength);
      const data = randomBytes(40);
      expect(hex(new HmacSha256(key).mac(data))).toBe(createHmac('sha256', key).update(data).digest('hex'));
    }
  });
});
