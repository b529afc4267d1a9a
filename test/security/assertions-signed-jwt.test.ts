import { base64url, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZE_URL,
  BC_AUTHORIZE_URL,
  basicAuth,
  flowsPlatform,
  formPost,
  fromDevice,
  FRAUD,
  GRANTS,
  grantAssertion,
  ISSUER,
  locationOf,
  oauthError,
  pkce,
  REDIRECT_URI,
  signJwt,
  SUBSCRIBER,
  TOKEN_URL,
  type FlowsPlatform,
} from '../support/flows.js';

/**
 * Every signed JWT a client sends (JWT-bearer grant assertions, request objects on authorize and
 * bc-authorize) goes through the same checks (ICM §7.3). Each bad JWT below must be refused at
 * each of the three doors.
 */
type Bad = (p: FlowsPlatform, claims: JWTPayload) => Promise<string>;

const now = (p: FlowsPlatform) => Math.floor(p.clock.now() / 1000);

const BAD_JWTS: [string, Bad][] = [
  ['expired', (p, c) => signJwt(p.client, p.clock, { ...c, iat: now(p) - 120, exp: now(p) - 60 })],
  [
    'expired a second ago (no clock tolerance on exp)',
    (p, c) => signJwt(p.client, p.clock, { ...c, iat: now(p) - 60, exp: now(p) - 1 }),
  ],
  [
    'issued in the future',
    (p, c) => signJwt(p.client, p.clock, { ...c, iat: now(p) + 60, exp: now(p) + 120 }),
  ],
  [
    'living longer than 300 s (exp − iat)',
    (p, c) => signJwt(p.client, p.clock, { ...c, iat: now(p) - 10, exp: now(p) + 291 }),
  ],
  [
    'expiring more than 300 s from now',
    (p, c) => signJwt(p.client, p.clock, { ...c, iat: now(p), exp: now(p) + 301 }),
  ],
  ['without iat', (p, c) => signJwt(p.client, p.clock, { ...c, iat: undefined })],
  ['without jti', (p, c) => signJwt(p.client, p.clock, { ...c, jti: undefined })],
  ['with a wrong aud', (p, c) => signJwt(p.client, p.clock, { ...c, aud: 'https://other.example/token' })],
  ['issued by another client', (p, c) => signJwt(p.client, p.clock, { ...c, iss: 'demo-app' })],
  [
    'signed by an unregistered key under the registered kid',
    async (p, c) => {
      const { privateKey } = await generateKeyPair('ES256');
      return signJwt({ ...p.client, privateKey }, p.clock, c);
    },
  ],
  [
    'with an unknown kid',
    async (p, c) => {
      const { privateKey } = await generateKeyPair('ES256');
      return signJwt({ ...p.client, privateKey }, p.clock, c, { kid: 'unknown-kid' });
    },
  ],
  [
    'with alg none',
    async (p, c) => {
      const t = now(p);
      const claims = { iss: p.client.clientId, iat: t, exp: t + 60, jti: crypto.randomUUID(), ...c };
      const enc = (o: object) => base64url.encode(new TextEncoder().encode(JSON.stringify(o)));
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
    },
  ],
  [
    'HS256-signed with the public key as secret',
    async (p, c) => {
      const jwk = p.client.app.jwks?.keys[0];
      const { importJWK } = await import('jose');
      const pem = await exportSPKI(
        (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256', { extractable: true })) as CryptoKey,
      );
      const t = now(p);
      return new SignJWT({ iss: p.client.clientId, iat: t, exp: t + 60, jti: crypto.randomUUID(), ...c })
        .setProtectedHeader({ alg: 'HS256', kid: p.client.kid })
        .sign(new TextEncoder().encode(pem));
    },
  ],
  ['with a tampered payload', async (p, c) => tamper(await signJwt(p.client, p.clock, c))],
];

function tamper(jwt: string): string {
  const [h, payload, s] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
  const forged = base64url.encode(
    new TextEncoder().encode(JSON.stringify({ ...claims, sub: `tel:${SUBSCRIBER.plain}` })),
  );
  return `${h}.${forged}.${s}`;
}

describe('signed JWTs from clients (ICM §7.3)', () => {
  describe('JWT-bearer grant assertion → invalid_grant', () => {
    const claims = { sub: `tel:${SUBSCRIBER.swapped}`, aud: TOKEN_URL, scope: `${FRAUD} sim-swap:check` };
    it.each(BAD_JWTS)('refuses an assertion %s', async (_, make) => {
      const p = await flowsPlatform();
      const res = await formPost(p.app, '/oauth2/token', {
        grant_type: GRANTS.jwtBearer,
        assertion: await make(p, claims),
      });
      expect(await oauthError(res)).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('accepts the issuer as audience as well as the token endpoint', async () => {
      const p = await flowsPlatform();
      const res = await formPost(p.app, '/oauth2/token', {
        grant_type: GRANTS.jwtBearer,
        assertion: await grantAssertion(p.client, p.clock, { aud: ISSUER }),
      });
      expect(res.status).toBe(200);
    });

    it('accepts an assertion of exactly 300 s and a 5 s clock skew on iat', async () => {
      const p = await flowsPlatform();
      const t = now(p);
      const res = await formPost(p.app, '/oauth2/token', {
        grant_type: GRANTS.jwtBearer,
        assertion: await grantAssertion(p.client, p.clock, { iat: t + 5, exp: t + 300 }),
      });
      expect(res.status).toBe(200);
    });

    it('tolerates nbf a few seconds ahead (a client clock slightly fast), not more', async () => {
      const p = await flowsPlatform();
      const send = async (nbf: number) =>
        formPost(p.app, '/oauth2/token', {
          grant_type: GRANTS.jwtBearer,
          assertion: await grantAssertion(p.client, p.clock, { nbf }),
        });
      expect((await send(now(p) + 3)).status).toBe(200);
      expect(await oauthError(await send(now(p) + 30))).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('refuses a replayed assertion (jti single use)', async () => {
      const p = await flowsPlatform();
      const assertion = await grantAssertion(p.client, p.clock);
      const first = await formPost(p.app, '/oauth2/token', { grant_type: GRANTS.jwtBearer, assertion });
      expect(first.status).toBe(200);
      p.clock.advance(10_000);
      const replay = await formPost(p.app, '/oauth2/token', { grant_type: GRANTS.jwtBearer, assertion });
      expect(await oauthError(replay)).toEqual({ status: 400, error: 'invalid_grant' });
    });
  });

  describe('CIBA request object → invalid_request_object', () => {
    const claims = {
      aud: BC_AUTHORIZE_URL,
      login_hint: `tel:${SUBSCRIBER.swapped}`,
      scope: `openid ${FRAUD} sim-swap:check`,
    };
    const send = (p: FlowsPlatform, request: string) =>
      formPost(p.app, '/oauth2/bc-authorize', { request }, { authorization: basicAuth(p.client) });

    it.each(BAD_JWTS)('refuses a request object %s', async (_, make) => {
      const p = await flowsPlatform();
      expect(await oauthError(await send(p, await make(p, claims)))).toEqual({
        status: 400,
        error: 'invalid_request_object',
      });
    });

    it('refuses a replayed request object', async () => {
      const p = await flowsPlatform();
      const request = await signJwt(p.client, p.clock, claims);
      expect((await send(p, request)).status).toBe(200);
      expect(await oauthError(await send(p, request))).toEqual({
        status: 400,
        error: 'invalid_request_object',
      });
    });
  });

  describe('authorization request object → redirect with error=invalid_request_object', () => {
    it.each(BAD_JWTS)('refuses a request object %s', async (_, make) => {
      const p = await flowsPlatform();
      const { challenge } = await pkce();
      const scope = `openid ${FRAUD} sim-swap:check`;
      const signed = {
        aud: AUTHORIZE_URL,
        client_id: p.client.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope,
        state: 's1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      };
      const query = new URLSearchParams({
        client_id: p.client.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope,
        request: await make(p, signed),
      });
      const res = await fromDevice(p.app, `/oauth2/authorize?${query}`, { ip: '198.51.100.1' });
      expect(res.status).toBe(302);
      const location = locationOf(res);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
      expect(location.searchParams.get('error')).toBe('invalid_request_object');
      expect(location.searchParams.get('iss')).toBe(ISSUER);
      expect(location.searchParams.has('code')).toBe(false);
    });
  });
});
