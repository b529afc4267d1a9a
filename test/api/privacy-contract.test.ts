import { createRoute, z } from '@hono/zod-openapi';
import { beforeEach, describe, expect, it } from 'vitest';
import { findEligibleSubscriber, requireScope, resolvePhoneNumber } from '../../apis/common/identifier.js';
import { createApiRouter } from '../../apis/common/router.js';
import { PhoneNumber } from '../../apis/common/schemas.js';
import { simSwap } from '../../apis/sim-swap/index.js';
import type { ApiModule } from '../../src/api-module.js';
import { createApp } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { requireLegalBasis } from '../../src/consent/enforce.js';
import type { KycRecord } from '../../src/network/port.js';
import {
  assertKycFieldsAllowed,
  assertNumberVerificationAllowed,
  policyFor,
  type KycMatchDataPolicy,
} from '../../src/privacy/policies.js';
import { OPERATOR_ENV, operatorPost } from '../support/consent.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { engines } from '../support/stores.js';

/**
 * The wiring contract for KYC Match and Number Verification, shown on stand-in modules: the
 * handler resolves the identifier, checks the legal basis, looks the subscriber up, then hands
 * the purpose's policy to the service, which enforces it. The real modules follow the same steps.
 */

/** A stand-in KYC service: the policy is enforced inside, before any comparison. */
function kycMatch(policy: KycMatchDataPolicy, request: Record<string, unknown>, record: KycRecord) {
  assertKycFieldsAllowed(policy, request);
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(request)) {
    if (field === 'phoneNumber') continue;
    const held = record[field as keyof KycRecord];
    out[`${field}Match`] = held === undefined ? 'not_available' : String(held === value);
  }
  return out;
}

const kycStandIn: ApiModule = {
  name: 'kyc-match',
  title: 'KYC Match (stand-in)',
  version: '0.0.0',
  basePath: '/kyc-match/v0.4',
  scopes: ['kyc-match:match'],
  router: () => {
    const router = createApiRouter();
    const route = createRoute({
      method: 'post',
      path: '/match',
      request: {
        body: {
          content: {
            'application/json': {
              schema: z.looseObject({ phoneNumber: PhoneNumber.optional() }),
            },
          },
        },
      },
      responses: { 200: { description: 'ok' } },
    });
    router.openapi(route, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json') as Record<string, unknown> & { phoneNumber?: string };
      requireScope(access, ['kyc-match:match']);
      const phoneNumber = resolvePhoneNumber(access, body.phoneNumber, 'confirm');
      await requireLegalBasis(deps, access, phoneNumber, c.get('legalBasis'));
      const subscriber = await findEligibleSubscriber(deps.network, phoneNumber, 'kyc-match', { kyc: true });
      return c.json(
        kycMatch(policyFor(deps.purposes, access.purpose, 'kyc-match'), body, subscriber.kyc ?? {}),
        200,
      );
    });
    return router;
  },
};

const nvStandIn: ApiModule = {
  name: 'number-verification',
  title: 'Number Verification (stand-in)',
  version: '0.0.0',
  basePath: '/number-verification/v2',
  scopes: ['number-verification:verify'],
  router: () => {
    const router = createApiRouter();
    const route = createRoute({
      method: 'post',
      path: '/verify',
      request: { body: { content: { 'application/json': { schema: z.looseObject({}) } } } },
      responses: { 200: { description: 'ok' } },
    });
    router.openapi(route, async (c) => {
      const { deps, access } = { deps: c.get('deps'), access: c.get('access') };
      const body = c.req.valid('json') as { phoneNumber?: string; hashedPhoneNumber?: string };
      const subscriber = access.subscriber as string;
      await requireLegalBasis(deps, access, subscriber, c.get('legalBasis'));
      assertNumberVerificationAllowed(policyFor(deps.purposes, access.purpose, 'number-verification'), {
        kind: 'verify',
        phoneNumber: body.phoneNumber,
      });
      return c.json({ devicePhoneNumberVerified: body.phoneNumber === subscriber }, 200);
    });
    return router;
  },
};

const KYC_NUMBER = '+34600000010';
const IDENTITY = 'dpv:IdentityVerification';
const FRAUD = 'dpv:FraudPreventionAndDetection';
const CREDIT = 'dpv:CreditChecking';

describe.each(engines())(
  'data-minimisation contract for KYC Match and Number Verification, on $name',
  (engine) => {
    let p: TestPlatform;
    let app: ReturnType<typeof createApp>;

    beforeEach(async () => {
      const clock = new ManualClock();
      p = await testPlatform({ clock, store: await engine.make(clock), env: OPERATOR_ENV });
      app = createApp(p.deps, [simSwap, kycStandIn, nvStandIn]);
      const demo = await p.deps.applications.get('demo-app');
      await p.deps.applications.put({ ...demo!, scopes: ['kyc-match:match', 'number-verification:verify'] });
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
      expect(await res.json()).toEqual({ familyNameMatch: 'false' });
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
      });
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
      });
      expect(
        (await post(app, '/number-verification/v2/verify', { phoneNumber: KYC_NUMBER }, plain)).status,
      ).toBe(200);
    });
  },
);
