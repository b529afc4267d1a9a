import { importJWK, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import privateJwks from '../../sandbox/demo-backend.private-jwks.json' with { type: 'json' };
import { DEMO, PURPOSE, testPlatform } from '../support/app.js';

/** The sandbox clients of docs/authorization.md work as documented, on the default consent service. */
describe('sandbox clients of the user flows', () => {
  it('demo-backend: JWT-bearer with its published sandbox key', async () => {
    const { app, clock, deps } = await testPlatform();
    const jwk = privateJwks.keys[0] as JWK;
    const now = Math.floor(clock.now() / 1000);
    const assertion = await new SignJWT({ scope: `${PURPOSE} sim-swap:check` })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string })
      .setIssuer('demo-backend')
      .setSubject('tel:+34600000001')
      .setAudience('http://gateway.test/oauth2/token')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(crypto.randomUUID())
      .sign(await importJWK(jwk, 'ES256'));
    const res = await app.request('/oauth2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await deps.tokens.verify(access_token)).subscriber).toBe('+34600000001');
  });

  it('demo-app: CIBA with client_secret_basic, then SIM Swap with the 3-legged token', async () => {
    const { app } = await testPlatform();
    const basic = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
    const form = (params: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams(params).toString(),
    });
    const started = await app.request(
      '/oauth2/bc-authorize',
      form({ login_hint: 'tel:+34600000001', scope: `openid ${PURPOSE} sim-swap:check` }),
    );
    expect(started.status).toBe(200);
    const { auth_req_id } = (await started.json()) as { auth_req_id: string };
    const tokens = await app.request(
      '/oauth2/token',
      form({ grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id }),
    );
    expect(tokens.status).toBe(200);
    const { access_token } = (await tokens.json()) as { access_token: string };
    const check = (body: object) =>
      app.request('/sim-swap/v2/check', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access_token}` },
        body: JSON.stringify(body),
      });
    expect(await (await check({})).json()).toEqual({ swapped: true });
    const extra = await check({ phoneNumber: '+34600000001' });
    expect(extra.status).toBe(422);
    expect(((await extra.json()) as { code: string }).code).toBe('UNNECESSARY_IDENTIFIER');
  });
});
