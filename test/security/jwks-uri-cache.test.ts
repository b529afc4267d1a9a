import { exportJWK, generateKeyPair, SignJWT, jwtVerify, type JWK } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  JWKS_COOLDOWN_MS,
  JWKS_MAX_AGE_MS,
  JWKS_REFRESH_MS,
  JwksUriKeys,
} from '../../src/admin/jwks-uri-cache.js';
import { JwksUriError, type JwksFetch } from '../../src/admin/jwks-uri.js';
import { ManualClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';

/**
 * The jwks_uri cache: anybody can send an assertion naming a client, so no assertion may make the
 * platform fetch that client's URL more than once per cooldown; a failing URL keeps the last good
 * keys for a bounded time only.
 */

const URI = 'https://keys.client.example/jwks.json';

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };
async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}
const sign = (key: Key, kid = key.kid) =>
  new SignJWT({ sub: 'c' }).setProtectedHeader({ alg: 'ES256', kid }).sign(key.privateKey);

describe('JwksUriKeys', () => {
  let clock: ManualClock;
  let served: { status: number; keys: JWK[] } | 'down';
  let fetches: number;
  let keys: JwksUriKeys;
  let k1: Key;
  let k2: Key;

  const transport: JwksFetch = async () => {
    fetches++;
    if (served === 'down') throw new JwksUriError('failed: ECONNREFUSED');
    return { status: served.status, body: new TextEncoder().encode(JSON.stringify({ keys: served.keys })) };
  };
  const verify = async (key: Key, kid?: string) => {
    const { payload } = await jwtVerify(await sign(key, kid), keys.resolver(URI));
    return payload.sub;
  };

  beforeEach(async () => {
    clock = new ManualClock();
    fetches = 0;
    k1 = await newKey('k1');
    k2 = await newKey('k2');
    served = { status: 200, keys: [k1.jwk] };
    keys = new JwksUriKeys({ fetch: transport, clock, logger: silentLogger });
  });

  it('concurrent assertions share one fetch, then the keys serve from the cache', async () => {
    expect(await Promise.all([verify(k1), verify(k1), verify(k1)])).toEqual(['c', 'c', 'c']);
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(1);
  });

  it(`fetches again once the keys are ${JWKS_REFRESH_MS / 60_000} min old`, async () => {
    await verify(k1);
    clock.advance(JWKS_REFRESH_MS - 1);
    await verify(k1);
    expect(fetches).toBe(1);
    clock.advance(1);
    await verify(k1);
    expect(fetches).toBe(2);
  });

  it('a new kid at the URL is fetched at once, at most once per cooldown', async () => {
    await verify(k1);
    clock.advance(JWKS_COOLDOWN_MS);
    served = { status: 200, keys: [k1.jwk, k2.jwk] };
    expect(await verify(k2)).toBe('c');
    expect(fetches).toBe(2);
    // Unknown kids within the cooldown: refused without a fetch, however many.
    for (let i = 0; i < 5; i++) {
      await expect(verify(k2, `unknown-${i}`)).rejects.toBeInstanceOf(Error);
    }
    expect(fetches).toBe(2);
    clock.advance(JWKS_COOLDOWN_MS);
    await expect(verify(k2, 'unknown-again')).rejects.toThrow(
      'no applicable key found in the JSON Web Key Set',
    );
    expect(fetches).toBe(3);
  });

  it('a failed refresh keeps the last good keys, up to their maximum age', async () => {
    await verify(k1);
    served = 'down';
    clock.advance(JWKS_REFRESH_MS);
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(2);
    // Retried once per cooldown meanwhile, not on every assertion.
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(2);
    clock.set(clock.now() + JWKS_MAX_AGE_MS - JWKS_REFRESH_MS - 1);
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(3);
    clock.advance(JWKS_COOLDOWN_MS);
    await expect(verify(k1)).rejects.toThrow('jwks_uri failed: ECONNREFUSED');
    expect(fetches).toBe(4);
  });

  it('an unreachable URL with no keys yet: refused, and not fetched again within the cooldown', async () => {
    served = 'down';
    await expect(verify(k1)).rejects.toThrow('jwks_uri failed: ECONNREFUSED');
    await expect(verify(k1)).rejects.toThrow('jwks_uri failed: ECONNREFUSED (retried after 30 s)');
    expect(fetches).toBe(1);
    clock.advance(JWKS_COOLDOWN_MS);
    served = { status: 200, keys: [k1.jwk] };
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(2);
  });

  it('a refresh that brings a bad set keeps the last good keys', async () => {
    await verify(k1);
    served = { status: 200, keys: [{ ...k1.jwk, d: 'leaked' }] };
    clock.advance(JWKS_REFRESH_MS);
    expect(await verify(k1)).toBe('c');
    expect(fetches).toBe(2);
  });

  it('a key removed at the URL stops verifying at the next refresh', async () => {
    await verify(k1);
    served = { status: 200, keys: [k2.jwk] };
    clock.advance(JWKS_REFRESH_MS);
    await expect(verify(k1)).rejects.toThrow('no applicable key found in the JSON Web Key Set');
  });

  it('check() applies the platform setting', () => {
    expect(keys.check('http://127.0.0.1:8080/jwks')).toBe('not https');
    const dev = new JwksUriKeys({ fetch: transport, clock, logger: silentLogger, allowHttpLoopback: true });
    expect(dev.check('http://127.0.0.1:8080/jwks')).toBeUndefined();
  });
});
