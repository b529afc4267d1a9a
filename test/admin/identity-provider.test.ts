import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsentServer, type ConsentServer } from '../e2e/support/consent.js';
import { call, SCOPED_PARTNER } from './support.js';

const ISSUER = 'https://idp.operator.test';
const AUDIENCE = 'camara-admin';
const UNAUTHENTICATED = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message:
    'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
};

/**
 * The operator's identity provider signs its staff's JWTs; the admin API verifies them against
 * the provider's JWKS, fetched from a real local HTTP server, and reads the role from its claim.
 */
describe('admin API with the operator identity provider', () => {
  let jwksServer: Server;
  let jwksFetches = 0;
  let server: ConsentServer;
  let idpKey: CryptoKey;
  let strangerKey: CryptoKey;

  const idpJwt = (claims: JWTPayload, options: { key?: CryptoKey; exp?: number; aud?: string } = {}) => {
    const now = Math.floor(server.clock.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setSubject('alice@operator.example')
      .setIssuedAt(now)
      .setExpirationTime(options.exp ?? now + 600)
      .sign(options.key ?? idpKey);
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256' }],
    });
    jwksServer = createServer((_req, res) => {
      jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const port = (jwksServer.address() as AddressInfo).port;
    server = await startConsentServer('memory', {
      ADMIN_IDP_ISSUER: ISSUER,
      ADMIN_IDP_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      ADMIN_IDP_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('lets a support user read and refuses it a write', async () => {
    const token = await idpJwt({ role: 'support' });
    expect((await call(server.url, 'GET', '/admin/v1/partners', token)).status).toBe(200);
    const write = await call(server.url, 'POST', '/admin/v1/partners', token, { name: 'X' });
    expect(write.status).toBe(403);
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it('limits a partner-manager to the partners of its claim (another partner: 404)', async () => {
    const admin = await idpJwt({ role: 'operator-admin' });
    const other = await call(server.url, 'POST', '/admin/v1/partners', admin, { name: 'Other Co' });
    const otherId = ((await other.json()) as { partnerId: string }).partnerId;
    const manager = await idpJwt({ role: 'partner-manager', partner_ids: [SCOPED_PARTNER] });
    expect((await call(server.url, 'GET', `/admin/v1/partners/${SCOPED_PARTNER}`, manager)).status).toBe(200);
    expect((await call(server.url, 'GET', `/admin/v1/partners/${otherId}`, manager)).status).toBe(404);
  });

  it.each([
    ['expired', () => idpJwt({ role: 'operator-admin' }, { exp: Math.floor(server.clock.now() / 1000) - 1 })],
    ['for another audience', () => idpJwt({ role: 'operator-admin' }, { aud: 'crm' })],
    ['signed by another key', () => idpJwt({ role: 'operator-admin' }, { key: strangerKey })],
    ['without an admin role', () => idpJwt({ role: 'superuser' })],
    ['with a malformed partner list', () => idpJwt({ role: 'partner-manager', partner_ids: 'all' })],
  ])('refuses a token %s (401)', async (_name, make) => {
    const res = await call(server.url, 'GET', '/admin/v1/partners', await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="admin", error="invalid_token"');
    expect(await res.json()).toEqual(UNAUTHENTICATED);
  });
});
