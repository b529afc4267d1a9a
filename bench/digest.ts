import nodeCrypto from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64url } from 'jose';
import { HmacKey, sha256Hex } from '../src/hash.js';

/**
 * `npx tsx bench/digest.ts`: the cost of one token-cache key (hex SHA-256 of a 1 KB token, the size
 * of an access token with its encrypted subscriber claim) and of one pseudonym HMAC, with the
 * platform's digest (src/hash.ts, @noble/hashes) against node:crypto's. Decides whether a Node-only
 * digest is worth a runtime seam (bench/README.md).
 */
const TOKEN = base64url.encode(nodeCrypto.randomBytes(768)); // 1024 characters
const NUMBER = 'camara-gateway/subscriber/v1\n+34600000001';
const KEY = nodeCrypto.randomBytes(32);
const ROUNDS = 200_000;

function perCall(name: string, fn: () => unknown): void {
  for (let i = 0; i < ROUNDS / 10; i++) fn(); // warm-up: the JIT settles first
  const best: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) fn();
    best.push(Number(process.hrtime.bigint() - start) / ROUNDS / 1000);
  }
  console.log(`${name.padEnd(46)} ${Math.min(...best).toFixed(2)} µs per call (best of 5)`);
}

const keyed = new HmacKey(KEY);
const nobleKeyed = hmac.create(sha256, KEY);
perCall('sha256Hex (1 KB, @noble/hashes, src/hash.ts)', () => sha256Hex(TOKEN));
perCall('crypto.hash (1 KB, node:crypto one-shot)', () => nodeCrypto.hash('sha256', TOKEN, 'hex'));
perCall('createHash (1 KB, node:crypto Hash object)', () =>
  nodeCrypto.createHash('sha256').update(TOKEN).digest('hex'),
);
perCall('HmacKey.mac (pseudonym, src/hash.ts)', () => keyed.mac(NUMBER));
perCall('hmac clone() per call (@noble/hashes public API)', () =>
  nobleKeyed.clone().update(utf8(NUMBER)).digest(),
);
perCall('createHmac (pseudonym, node:crypto)', () =>
  nodeCrypto.createHmac('sha256', KEY).update(NUMBER).digest(),
);

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
