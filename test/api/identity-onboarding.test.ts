import { describe, expect, it } from 'vitest';
import { DEMO, post, testPlatform } from '../support/app.js';

/**
 * The sandbox demo application's onboarding record for the identity APIs (docs/kyc-match.md,
 * docs/number-verification.md): 2-legged access for KYC Match, never for Number Verification.
 */

const basic = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
const tokenRequest = (app: Awaited<ReturnType<typeof testPlatform>>['app'], scope: string) =>
  app.request('/oauth2/token', {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });

describe('demo application onboarding for the identity APIs', () => {
  it('client credentials for KYC Match with dpv:IdentityVerification, then a match', async () => {
    const { app } = await testPlatform();
    const res = await tokenRequest(app, 'dpv:IdentityVerification kyc-match:match');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('dpv:IdentityVerification kyc-match:match');
    const match = await post(
      app,
      '/kyc-match/v0.4/match',
      { phoneNumber: '+34600000010', givenName: 'Federica' },
      body.access_token,
    );
    expect(match.status).toBe(200);
    expect(await match.json()).toEqual({ givenNameMatch: 'true' });
  });

  it.each(['number-verification:verify', 'number-verification:device-phone-number:read'])(
    'no client credentials for Number Verification (%s)',
    async (scope) => {
      const { app } = await testPlatform();
      const res = await tokenRequest(app, `dpv:IdentityVerification ${scope}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'unauthorized_client',
        error_description: 'two-legged access is not allowed for this API',
      });
    },
  );

  it('announces the new scopes in the discovery document', async () => {
    const { app } = await testPlatform();
    const doc = (await (await app.request('/.well-known/openid-configuration')).json()) as {
      scopes_supported: string[];
    };
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining([
        'kyc-match:match',
        'number-verification:verify',
        'number-verification:device-phone-number:read',
      ]),
    );
  });
});
