/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), synchronous and runtime-neutral. Web Crypto
 * is asynchronous and, on Node, runs on the thread pool: a pseudonym computed with it would cost
 * an event-loop turn, so the consent reads of a call could not leave in the same Redis write as
 * the rate-limit hit (DESIGN §2 hot-path budget). Inputs here are short (a phone number).
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Scratch space, reused: every function here runs to completion synchronously, so no two calls
// ever share it at the same time. A pseudonym is computed on every consent check (hot path).
const W = new Uint32Array(64);
const BLOCK = new Uint8Array(64);

/** One compression (FIPS 180-4 §6.2.2) of the 64 bytes at `offset` into `h`, in place. */
function compress(h: Uint32Array, bytes: Uint8Array, offset: number): void {
  const w = W;
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] =
      (((bytes[j] as number) << 24) |
        ((bytes[j + 1] as number) << 16) |
        ((bytes[j + 2] as number) << 8) |
        (bytes[j + 3] as number)) >>>
      0;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15] as number;
    const b = w[i - 2] as number;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = h[0] as number;
  let b = h[1] as number;
  let c = h[2] as number;
  let d = h[3] as number;
  let e = h[4] as number;
  let f = h[5] as number;
  let g = h[6] as number;
  let hh = h[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] as number) + a;
  h[1] = (h[1] as number) + b;
  h[2] = (h[2] as number) + c;
  h[3] = (h[3] as number) + d;
  h[4] = (h[4] as number) + e;
  h[5] = (h[5] as number) + f;
  h[6] = (h[6] as number) + g;
  h[7] = (h[7] as number) + hh;
}

/**
 * Hashes `data` into `h`, which already holds the state after `prefixBytes` bytes (a multiple of
 * 64: 0 for a plain hash, 64 after an HMAC pad), and writes the digest into `out`.
 */
function finish(h: Uint32Array, data: Uint8Array, prefixBytes: number, out: Uint8Array): Uint8Array {
  const whole = data.length - (data.length % 64);
  for (let offset = 0; offset < whole; offset += 64) compress(h, data, offset);
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const block = BLOCK;
  block.fill(0);
  block.set(data.subarray(whole));
  const rest = data.length - whole;
  block[rest] = 0x80;
  if (rest >= 56) {
    compress(h, block, 0);
    block.fill(0);
  }
  const bits = (prefixBytes + data.length) * 8;
  const high = Math.floor(bits / 0x100000000);
  const low = bits >>> 0;
  block[56] = high >>> 24;
  block[57] = high >>> 16;
  block[58] = high >>> 8;
  block[59] = high;
  block[60] = low >>> 24;
  block[61] = low >>> 16;
  block[62] = low >>> 8;
  block[63] = low;
  compress(h, block, 0);
  for (let i = 0; i < 8; i++) {
    const v = h[i] as number;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  return finish(IV.slice(), data, 0, new Uint8Array(32));
}

/**
 * HMAC-SHA-256 for repeated use of one key: the states after the inner and outer key pads are
 * computed once (RFC 2104 §4 notes this), so each MAC of a short input costs two compressions.
 */
export class HmacSha256 {
  private readonly inner: Uint32Array;
  private readonly outer: Uint32Array;
  private readonly state = new Uint32Array(8);
  private readonly digest = new Uint8Array(32);

  constructor(key: Uint8Array) {
    const k = new Uint8Array(64);
    k.set(key.length > 64 ? sha256(key) : key);
    this.inner = IV.slice();
    compress(
      this.inner,
      k.map((b) => b ^ 0x36),
      0,
    );
    this.outer = IV.slice();
    compress(
      this.outer,
      k.map((b) => b ^ 0x5c),
      0,
    );
  }

  mac(data: Uint8Array): Uint8Array {
    const h = this.state;
    h.set(this.inner);
    finish(h, data, 64, this.digest);
    h.set(this.outer);
    return finish(h, this.digest, 64, new Uint8Array(32));
  }
}
