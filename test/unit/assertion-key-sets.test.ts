import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { keySetOf } from '../../src/auth/assertion-rules.js';

const jwksOf = async () => {
  const { publicKey } = await generateKeyPair('ES256');
  return { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
};

describe('client key sets (assertion-rules.ts keySetOf)', () => {
  it('one set for the same keys read again as a new record (a store read per request)', async () => {
    const text = JSON.stringify(await jwksOf());
    const first = keySetOf(JSON.parse(text) as Awaited<ReturnType<typeof jwksOf>>);
    const again = keySetOf(JSON.parse(text) as Awaited<ReturnType<typeof jwksOf>>);
    expect(again).toBe(first);
  });

  it('another set once the record holds other keys', async () => {
    const a = keySetOf(await jwksOf());
    const b = keySetOf(await jwksOf());
    expect(b).not.toBe(a);
  });
});
