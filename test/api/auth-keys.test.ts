import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';

const HOUR = 3_600_000;
const RETENTION_MS = (600 + 60) * 1000; // ACCESS_TOKEN_TTL_SECONDS + RETENTION_MARGIN_S
const CHECK = '/sim-swap/v2/check';
const BODY = { phoneNumber: '+34600000001' };

async function jwks(p: TestPlatform): Promise<JWK[]> {
  const res = await p.app.request('/oauth2/jwks');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  const { keys } = (await res.json()) as { keys: JWK[] };
  for (const key of keys) {
    // Only public members, ever.
    expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  }
  return keys;
}

const kids = async (p: TestPlatform) => (await jwks(p)).map((k) => k.kid);
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('embedded signing keys (no SIGNING_KEYS): generated and rotated on the clock', () => {
  it('publishes the next key an hour ahead, switches at the period, retires the old key after the token TTL', async () => {
    const p = await testPlatform();
    const t0 = p.clock.now();
    const [first] = await kids(p);
    expect(await kids(p)).toEqual([first]);
    expect(kidOf(await p.token())).toBe(first);

    p.clock.set(t0 + 23 * HOUR - 1);
    expect(await kids(p)).toEqual([first]);
    p.clock.set(t0 + 23 * HOUR);
    const published = await kids(p);
    expect(published).toHaveLength(2);
    const next = published[0];
    expect(published[1]).toBe(first);
    // Published before it signs: tokens are still signed by the first key.
    expect(kidOf(await p.token())).toBe(first);

    p.clock.set(t0 + 24 * HOUR - 1000);
    const old = await p.token();
    expect(kidOf(old)).toBe(first);
    p.clock.set(t0 + 24 * HOUR);
    const fresh = await p.token();
    expect(kidOf(fresh)).toBe(next);

    // Overlap: the old key still verifies the tokens it signed until they expire.
    p.clock.set(t0 + 24 * HOUR + 598_000);
    expect((await post(p.app, CHECK, BODY, old)).status).toBe(200);
    expect(await kids(p)).toEqual([next, first]);
    p.clock.set(t0 + 24 * HOUR + RETENTION_MS - 1);
    expect(await kids(p)).toEqual([next, first]);
    p.clock.set(t0 + 24 * HOUR + RETENTION_MS);
    expect(await kids(p)).toEqual([next]);
    expect((await post(p.app, CHECK, BODY, fresh)).status).toBe(401); // expired, and so is its key's overlap
  });

  it('honours SIGNING_KEY_ROTATION_HOURS (half the period ahead when shorter than two hours)', async () => {
    const p = await testPlatform({ env: { SIGNING_KEY_ROTATION_HOURS: '1' } });
    const t0 = p.clock.now();
    const [first] = await kids(p);
    p.clock.set(t0 + HOUR / 2);
    expect(await kids(p)).toHaveLength(2);
    p.clock.set(t0 + HOUR);
    expect(kidOf(await p.token())).not.toBe(first);
  });

  it('after an idle spell generates only the key of the current period', async () => {
    const p = await testPlatform();
    const t0 = p.clock.now();
    const [first] = await kids(p);
    p.clock.set(t0 + 240 * HOUR + 2 * HOUR);
    const now = await kids(p);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(first);
    expect(kidOf(await p.token())).toBe(now[0]);
  });
});

async function privateJwk(extra: Record<string, unknown> = {}): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), ...extra };
}

describe('configured signing keys (SIGNING_KEYS) with activation times', () => {
  it('publishes a key with a future nbf, signs with it from nbf, retires the previous key after the TTL', async () => {
    const probe = await testPlatform();
    const t0 = probe.clock.now();
    const old = await privateJwk({ kid: 'old' });
    const next = await privateJwk({ kid: 'next', nbf: t0 / 1000 + 3600 });
    const p = await testPlatform({ env: { SIGNING_KEYS: JSON.stringify({ keys: [old, next] }) } });

    expect(await kids(p)).toEqual(['next', 'old']);
    expect(kidOf(await p.token())).toBe('old');
    p.clock.set(t0 + HOUR - 1000);
    const lastOld = await p.token();
    p.clock.set(t0 + HOUR);
    expect(kidOf(await p.token())).toBe('next');
    p.clock.set(t0 + HOUR + 590_000);
    expect((await post(p.app, CHECK, BODY, lastOld)).status).toBe(200);
    p.clock.set(t0 + HOUR + RETENTION_MS);
    expect(await kids(p)).toEqual(['next']);
  });

  it('signs with the first listed key when no key carries nbf', async () => {
    const p = await testPlatform({
      env: {
        SIGNING_KEYS: JSON.stringify({
          keys: [await privateJwk({ kid: 'a' }), await privateJwk({ kid: 'b' })],
        }),
      },
    });
    expect(kidOf(await p.token())).toBe('a');
    expect(await kids(p)).toEqual(['a', 'b']);
  });

  it.each([
    [
      'not JSON',
      async () => '{keys',
      'SIGNING_KEYS: must be a JSON JWK set of private EC P-256 keys, the signing key first',
    ],
    [
      'an empty set',
      async () => '{"keys":[]}',
      'SIGNING_KEYS: must be a JSON JWK set of private EC P-256 keys, the signing key first',
    ],
    [
      'a public key',
      async () => {
        const { d: _d, ...pub } = await privateJwk();
        return JSON.stringify({ keys: [pub] });
      },
      'SIGNING_KEYS: must be a JSON JWK set of private EC P-256 keys, the signing key first',
    ],
    [
      'a P-384 key',
      async () => {
        const { privateKey } = await generateKeyPair('ES384', { extractable: true });
        return JSON.stringify({ keys: [await exportJWK(privateKey)] });
      },
      'SIGNING_KEYS: must be a JSON JWK set of private EC P-256 keys, the signing key first',
    ],
    [
      'a repeated kid',
      async () => JSON.stringify({ keys: [await privateJwk({ kid: 'k' }), await privateJwk({ kid: 'k' })] }),
      'SIGNING_KEYS: kid k is repeated',
    ],
    [
      'only keys still to come',
      async () => JSON.stringify({ keys: [await privateJwk({ nbf: 4_000_000_000 })] }),
      'SIGNING_KEYS: no key is active yet (every nbf is in the future)',
    ],
    [
      'an nbf that is not a NumericDate',
      async () => JSON.stringify({ keys: [await privateJwk({ nbf: '2026-01-01' })] }),
      'SIGNING_KEYS: nbf must be a NumericDate (seconds since the epoch)',
    ],
  ])('refuses %s at start', async (_name, make, problem) => {
    const error = await testPlatform({ env: { SIGNING_KEYS: await make() } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([problem]);
  });
});
