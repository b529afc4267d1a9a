import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { parsePseudonymKeys, Pseudonymizer } from '../../src/privacy/pseudonym.js';

const secret = (byte: number) => new Uint8Array(32).fill(byte);
const encoded = (byte: number) => base64url.encode(secret(byte));

describe('pseudonyms of subscriber numbers', () => {
  it('are keyed, stable, kid-prefixed and never contain the number', async () => {
    const p = await Pseudonymizer.fromKeys([{ kid: 'k1', secret: secret(1) }]);
    const a = p.of('+34600000001');
    expect(a).toMatch(/^k1\.[A-Za-z0-9_-]{22}$/);
    expect(p.of('+34600000001')).toBe(a);
    expect(p.of('+34600000002')).not.toBe(a);
    expect(a).not.toContain('34600000001');
    const other = await Pseudonymizer.fromKeys([{ kid: 'k1', secret: secret(2) }]);
    expect(other.of('+34600000001')).not.toBe(a);
  });

  it('keeps records made under an old key reachable after rotation', async () => {
    const before = await Pseudonymizer.fromKeys([{ kid: 'k1', secret: secret(1) }]);
    const after = await Pseudonymizer.fromKeys([
      { kid: 'k2', secret: secret(2) },
      { kid: 'k1', secret: secret(1) },
    ]);
    const old = before.of('+34600000001');
    const candidates = after.candidates('+34600000001');
    expect(candidates[0]).toBe(after.of('+34600000001'));
    expect(candidates[0]).toMatch(/^k2\./);
    expect(candidates[1]).toBe(old);
    expect(after.isCurrent(candidates[0] as string)).toBe(true);
    expect(after.isCurrent(old)).toBe(false);
  });

  it('refuses an empty ring, short keys and duplicate key ids', async () => {
    await expect(Pseudonymizer.fromKeys([])).rejects.toThrow('empty');
    await expect(Pseudonymizer.fromKeys([{ kid: 'k1', secret: new Uint8Array(16) }])).rejects.toThrow(
      'at least 32 bytes',
    );
    await expect(
      Pseudonymizer.fromKeys([
        { kid: 'k1', secret: secret(1) },
        { kid: 'k1', secret: secret(2) },
      ]),
    ).rejects.toThrow('invalid');
  });

  it('knows which keys its ring holds; an ephemeral key has a new id at every start', async () => {
    const ring = await Pseudonymizer.fromKeys([
      { kid: 'k2', secret: secret(2) },
      { kid: 'k1', secret: secret(1) },
    ]);
    expect([ring.hasKey('k2'), ring.hasKey('k1'), ring.hasKey('k0')]).toEqual([true, true, false]);
    const [a, b] = [await Pseudonymizer.ephemeral(), await Pseudonymizer.ephemeral()];
    expect(a.activeKid).toMatch(/^eph-[A-Za-z0-9_-]{8}$/);
    expect(a.activeKid).not.toBe(b.activeKid);
    expect(b.hasKey(a.activeKid)).toBe(false);
  });

  it('parses PSEUDONYM_KEYS with the active key first', () => {
    const keys = parsePseudonymKeys(`k2:${encoded(2)}, k1:${encoded(1)}`);
    expect(keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(keys[0]?.secret).toEqual(secret(2));
    expect(() => parsePseudonymKeys('nokid')).toThrow('kid:base64url-secret');
    expect(() => parsePseudonymKeys(`k1:${base64url.encode(new Uint8Array(8))}`)).toThrow(
      'at least 32 bytes',
    );
    expect(() => parsePseudonymKeys(`bad kid:${encoded(1)}`)).toThrow('key id');
  });
});
