import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens.js';
import { sha256Hex } from '../../src/hash.js';
import { testPlatform } from '../support/app.js';

/** The token cache key: src/hash.ts by default, node:crypto on Node (src/node.ts). */
const nodeDigest = (text: string) => createHash('sha256').update(text).digest('hex');

describe('token cache digest', () => {
  it.each(['', 'abc', 'eyJhbGciOiJFUzI1NiJ9.e30.sig', 'é☃𝄞'])(
    'node:crypto and the platform digest give the same key for %j',
    (text) => {
      expect(nodeDigest(text)).toBe(sha256Hex(text));
    },
  );

  it('verifies through the digest the runtime passes', async () => {
    const p = await testPlatform();
    const seen: string[] = [];
    const digest = (token: string) => {
      seen.push(token);
      return nodeDigest(token);
    };
    const tokens = new TokenService({
      keys: p.deps.keys,
      secret: new Uint8Array(32),
      issuer: 'http://gateway.test',
      audience: 'http://gateway.test',
      clock: p.clock,
      ttlSeconds: 600,
      cacheSize: 10,
      digest,
    });
    const { token } = await tokens.issue({
      clientId: 'demo-app',
      scopes: ['sim-swap:check'],
      purpose: undefined,
    });
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    expect(second).toBe(first); // the second check is a cache hit under the same key
    expect(seen).toEqual([token, token]);
  });
});
