import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_ASSERTION_TYPE } from '../../src/auth/client-auth.js';
import { startConsentServer, type ConsentServer } from '../e2e/support/consent.js';
import { adminEnv, adminKeys, adminToken, APPLICATION, call, type AdminKeys } from './support.js';

const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };
const KEY_APPLICATION = { ...APPLICATION, authMethods: ['private_key_jwt'] };

type Signer = { privateKey: CryptoKey; jwk: Record<string, unknown>; kid: string };

async function signer(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, jwk: { ...jwk, kid, alg: 'ES256', use: 'sig' }, kid };
}

/**
 * private_key_jwt keys as credentials that expire, over a real socket: registered through the
 * admin API, each with its expiry (the plan's default and maximum), rotated with an overlap,
 * revoked at once; a private key or an internal jwks_uri is refused at registration.
 */
describe.each(['memory', 'redis'] as const)('key credentials through the admin API (%s)', (engine) => {
  let server: ConsentServer;
  let keys: AdminKeys;
  let admin: string;
  let partnerId: string;
  let clientId: string;
  let base: string;

  const tokenWith = async (key: Signer) => {
    const now = Math.floor(server.clock.now() / 1000);
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${server.url}/oauth2/token`)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key.privateKey);
    return fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: SCOPE,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      }).toString(),
    });
  };
  const expectRefused = async (key: Signer) => {
    const res = await tokenWith(key);
    expect([res.status, await res.json()]).toEqual([401, INVALID_CLIENT]);
  };
  const register = async (key: Signer, body: Record<string, number> = {}) => {
    const res = await call(server.url, 'POST', `${base}/keys`, admin, { jwks: { keys: [key.jwk] }, ...body });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; kind: string; createdAt: string; expiresAt: string };
  };

  beforeAll(async () => {
    keys = await adminKeys();
    server = await startConsentServer(engine, adminEnv(keys));
    admin = await adminToken(server.url, keys.admin, server.clock.now());
    const partner = await call(server.url, 'POST', '/admin/v1/partners', admin, { name: 'Acme Bank' });
    partnerId = ((await partner.json()) as { partnerId: string }).partnerId;
  });
  afterAll(async () => server?.close());
  // A fresh application per test, and a fresh admin token: the tests move the clock.
  beforeEach(async (context) => {
    admin = await adminToken(server.url, keys.admin, server.clock.now());
    const res = await call(server.url, 'POST', `/admin/v1/partners/${partnerId}/applications`, admin, {
      ...KEY_APPLICATION,
      name: context.task.name.slice(0, 100),
    });
    expect(res.status).toBe(201);
    clientId = ((await res.json()) as { clientId: string }).clientId;
    base = `/admin/v1/partners/${partnerId}/applications/${clientId}`;
  });

  it('registers a key with its expiry; past it the key is invalid_client', async () => {
    const key = await signer();
    const registered = await register(key, { expiresInSeconds: 3600 });
    expect(registered).toEqual({
      id: expect.stringMatching(/^key-[A-Za-z0-9_-]{12}$/),
      kind: 'key',
      jwks: { keys: [key.jwk] },
      createdAt: expect.any(String),
      expiresAt: new Date(Date.parse(registered.createdAt) + 3_600_000).toISOString(),
    });
    expect((await tokenWith(key)).status).toBe(200);
    server.clock.advance(3_600_000);
    await expectRefused(key);
  });

  it('takes the default lifetime from the plan and refuses one longer than the plan allows', async () => {
    const key = await signer();
    const registered = await register(key);
    expect(Date.parse(registered.expiresAt) - Date.parse(registered.createdAt)).toBe(90 * 86_400_000);
    const tooLong = await call(server.url, 'POST', `${base}/keys`, admin, {
      jwks: { keys: [key.jwk] },
      expiresInSeconds: 400 * 86_400,
    });
    expect([tooLong.status, await tooLong.json()]).toEqual([
      400,
      { status: 400, code: 'OUT_OF_RANGE', message: 'expiresInSeconds: at most 31536000 on plan standard.' },
    ]);
  });

  it('rotates: the previous key works through the overlap window, then stops', async () => {
    const first = await signer();
    const second = await signer();
    await register(first);
    await register(second, { overlapSeconds: 600 });
    expect((await tokenWith(first)).status).toBe(200);
    expect((await tokenWith(second)).status).toBe(200);
    server.clock.advance(601_000);
    await expectRefused(first);
    expect((await tokenWith(second)).status).toBe(200);
  });

  it('revokes a key at once; a secret route does not reach it', async () => {
    const key = await signer();
    const { id } = await register(key);
    expect((await tokenWith(key)).status).toBe(200);
    expect((await call(server.url, 'DELETE', `${base}/secrets/${id}`, admin)).status).toBe(404);
    expect((await call(server.url, 'DELETE', `${base}/keys/${id}`, admin)).status).toBe(204);
    await expectRefused(key);
    expect((await call(server.url, 'DELETE', `${base}/keys/${id}`, admin)).status).toBe(404);
  });

  it('ends the keys of the record (legacy jwks) with the first rotation', async () => {
    const legacy = await signer();
    const patched = await call(server.url, 'PATCH', base, admin, { jwks: { keys: [legacy.jwk] } });
    expect(patched.status).toBe(200);
    expect((await tokenWith(legacy)).status).toBe(200);
    const next = await signer();
    await register(next, { overlapSeconds: 0 });
    await expectRefused(legacy);
    expect((await tokenWith(next)).status).toBe(200);
  });

  it('refuses a JWK Set that holds a private key', async () => {
    const key = await signer();
    const jwk = await exportJWK(key.privateKey);
    const res = await call(server.url, 'POST', `${base}/keys`, admin, { jwks: { keys: [jwk] } });
    expect([res.status, await res.json()]).toEqual([
      400,
      { status: 400, code: 'INVALID_ARGUMENT', message: 'jwks: a private or symmetric key.' },
    ]);
  });

  it('refuses a jwks_uri to the cloud metadata address', async () => {
    const res = await call(server.url, 'POST', `${base}/keys`, admin, {
      jwksUri: 'https://169.254.169.254/latest/meta-data/jwks.json',
    });
    expect([res.status, await res.json()]).toEqual([
      400,
      { status: 400, code: 'INVALID_ARGUMENT', message: 'jwksUri: a linkLocal address.' },
    ]);
  });

  it('refuses both jwks and jwksUri, and neither', async () => {
    const key = await signer();
    for (const body of [{ jwks: { keys: [key.jwk] }, jwksUri: 'https://keys.acme.example/jwks' }, {}]) {
      const res = await call(server.url, 'POST', `${base}/keys`, admin, body);
      expect([res.status, await res.json()]).toEqual([
        400,
        { status: 400, code: 'INVALID_ARGUMENT', message: 'jwks and jwksUri: give one, not both.' },
      ]);
    }
  });
});
