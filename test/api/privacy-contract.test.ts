import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { OPERATOR_ENV, operatorPost } from '../support/consent.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { engines } from '../support/stores.js';

/**
 * Purpose-scoped data minimisation on the real KYC Match and Number Verification modules: the
 * handler resolves the identifier, checks the legal basis, looks the subscriber up, then hands the
 * purpose's policy to the service, which enforces it (DESIGN §2 steps 7-9).
 */

const KYC_NUMBER = '+34600000010';
const IDENTITY = 'dpv:IdentityVerification';
const FRAUD = 'dpv:FraudPreventionAndDetection';
const CREDIT = 'dpv:CreditChecking';

describe.each(engines())(
  'data-minimisation contract for KYC Match and Number Verification, on $name',
  (engine) => {
    let p: TestPlatform;
    let app: TestPlatform['app'];

    beforeEach(async () => {
      const clock = new ManualClock();
      p = await testPlatform({ clock, store: await engine.make(clock), env: OPERATOR_ENV });
      app = p.app;
      const res = await operatorPost(app, '/internal/consents', {
        phoneNumber: KYC_NUMBER,
        clientId: 'demo-app',
        purpose: CREDIT,
        scopes: ['kyc-match:match'],
      });
      expect(res.status).toBe(201);
    });

    const kyc = async (purpose: string, body: Record<string, unknown>) =>
      post(
        app,
        '/kyc-match/v0.4/match',
        { phoneNumber: KYC_NUMBER, ...body },
        await p.token({ purpose, scopes: ['kyc-match:match'] }),
      );

    it('answers a field within the purpose, and only the fields asked for', async () => {
      const res = await kyc(CREDIT, { familyName: 'nobody' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.familyNameMatch).toBe('false');
      expect(Object.keys(body).sort()).toEqual(['familyNameMatch', 'familyNameMatchScore']);
    });

    it('refuses a KYC field outside the purpose with 403 PERMISSION_DENIED naming nothing', async () => {
      const res = await kyc(CREDIT, { familyName: 'x', idDocument: 'X1234567' });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        status: 403,
        code: 'PERMISSION_DENIED',
        message: 'Client does not have sufficient permissions to perform this action.',
      });
      // The same field is fine under a purpose whose policy includes it (a contract: no consent).
      expect((await kyc(IDENTITY, { familyName: 'x', idDocument: 'X1234567' })).status).toBe(200);
    });

    it('Number Verification in hashed-only mode refuses a number in clear', async () => {
      // dpv:FraudPreventionAndDetection: legitimate interest, Number Verification hashed only.
      const token = await p.token({
        purpose: FRAUD,
        scopes: ['number-verification:verify'],
        subscriber: KYC_NUMBER,
        amr: ['nba'],
      });
      const shareToken = await p.token({
        purpose: FRAUD,
        scopes: ['number-verification:device-phone-number:read'],
        subscriber: KYC_NUMBER,
        amr: ['nba'],
      });
      const share = await p.app.request('/number-verification/v2/device-phone-number', {
        headers: { authorization: `Bearer ${shareToken}` },
      });
      expect(share.status).toBe(403);
      const clear = await post(app, '/number-verification/v2/verify', { phoneNumber: KYC_NUMBER }, token);
      expect(clear.status).toBe(403);
      const hashed = await post(
        app,
        '/number-verification/v2/verify',
        { hashedPhoneNumber: 'a'.repeat(64) },
        token,
      );
      expect(hashed.status).toBe(200);
      const plain = await p.token({
        purpose: IDENTITY,
        scopes: ['number-verification:verify'],
        subscriber: KYC_NUMBER,
        amr: ['nba'],
      });
      expect(
        (await post(app, '/number-verification/v2/verify', { phoneNumber: KYC_NUMBER }, plain)).status,
      ).toBe(200);
    });
  },
);
