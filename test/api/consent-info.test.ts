import { beforeEach, describe, expect, it } from 'vitest';
import { linkOf, OPERATOR_ENV, operatorPost } from '../support/consent.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';

const PATH = '/consent-info/v0/retrieve';
const CREDIT = 'dpv:CreditChecking';
const FRAUD = 'dpv:FraudPreventionAndDetection';
const NUMBER = '+34600000001';

describe('Consent Info retrieveStatus', () => {
  let p: TestPlatform;
  beforeEach(async () => {
    p = await testPlatform({ env: { ...OPERATOR_ENV, CONSENT_CAPTURES_PER_DAY: '2' } });
  });

  const token = (purpose = CREDIT, subscriber?: string) =>
    p.token({ purpose, scopes: ['consent-info:retrieve'], ...(subscriber ? { subscriber } : {}) });
  const retrieve = async (body: Record<string, unknown>, purpose = CREDIT) =>
    post(
      p.app,
      PATH,
      { phoneNumber: NUMBER, scopes: ['sim-swap:check'], purpose, requestCaptureUrl: false, ...body },
      await token(purpose),
    );

  it('consent_info_retrieveStatus_02_valid_for_processing: legitimate interest, no consent needed', async () => {
    const res = await retrieve({}, FRAUD);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit')).toMatch(/"burst";r=\d+/);
    expect(await res.json()).toEqual({
      statusInfo: [{ scopes: ['sim-swap:check'], purpose: FRAUD, statusValidForProcessing: true }],
    });
  });

  it('consent_info_retrieveStatus_06_captureUrl: PENDING, then a capture URL without the credential', async () => {
    const plain = await retrieve({});
    expect(await plain.json()).toEqual({
      statusInfo: [
        {
          scopes: ['sim-swap:check'],
          purpose: CREDIT,
          statusValidForProcessing: false,
          statusReason: 'PENDING',
        },
      ],
    });
    const res = await retrieve({ requestCaptureUrl: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { captureUrl: string; statusInfo: { statusReason: string }[] };
    expect(body.statusInfo[0]?.statusReason).toBe('PENDING');
    const id = /^http:\/\/gateway\.test\/consent\/([0-9a-f-]{36})$/.exec(body.captureUrl)?.[1] as string;
    expect(id).toBeDefined();
    // The same open request is reused; the subscriber got one message with the real link.
    const again = (await (await retrieve({ requestCaptureUrl: true })).json()) as typeof body;
    expect(again.captureUrl).toBe(body.captureUrl);
    expect(again.statusInfo[0]?.statusReason).toBe('REQUESTED');
    const link = await linkOf(p.app, id);
    expect(link).toMatch(new RegExp(`^http://gateway\\.test/consent/${id}\\?t=`));

    await operatorPost(p.app, `/internal/consent-requests/${id}/decision`, {
      phoneNumber: NUMBER,
      decision: 'grant',
    });
    const granted = await retrieve({ requestCaptureUrl: true });
    expect(await granted.json()).toEqual({
      statusInfo: [
        {
          scopes: ['sim-swap:check'],
          purpose: CREDIT,
          statusValidForProcessing: true,
          expirationDate: new Date(p.clock.now() + 90 * 86_400_000).toISOString(),
        },
      ],
    });
  });

  it('consent_info_retrieveStatus_05: EXPIRED and REVOKED, OBJECTED for an opt-out', async () => {
    await operatorPost(p.app, '/internal/consents', {
      phoneNumber: NUMBER,
      clientId: 'demo-app',
      purpose: CREDIT,
      scopes: ['sim-swap:check'],
    });
    const expiry = p.clock.now() + 90 * 86_400_000;
    p.clock.advance(91 * 86_400_000);
    expect(await (await retrieve({})).json()).toMatchObject({
      statusInfo: [
        {
          statusValidForProcessing: false,
          statusReason: 'EXPIRED',
          expirationDate: new Date(expiry).toISOString(),
        },
      ],
    });
    await operatorPost(p.app, '/internal/opt-outs', { phoneNumber: NUMBER, purpose: FRAUD });
    expect(await (await retrieve({}, FRAUD)).json()).toMatchObject({
      statusInfo: [{ statusValidForProcessing: false, statusReason: 'OBJECTED' }],
    });
  });

  it('consent_info_retrieveStatus_02_capture_frequency_exceeded', async () => {
    for (const phoneNumber of [NUMBER, NUMBER]) {
      const res = await retrieve({ phoneNumber, requestCaptureUrl: true });
      const id = /consent\/(.+)$/.exec(
        ((await res.json()) as { captureUrl: string }).captureUrl,
      )?.[1] as string;
      await operatorPost(p.app, `/internal/consent-requests/${id}/decision`, {
        phoneNumber,
        decision: 'deny',
      });
    }
    const res = await retrieve({ requestCaptureUrl: true });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      status: 403,
      code: 'CONSENT_INFO.CAPTURE_FREQUENCY_EXCEEDED',
      message: 'The frequency of consent capture requests has been exceeded. Please try again later.',
    });
  });

  it('consent_info_retrieveStatus_01_not_allowed_scopes_purpose: another purpose or foreign scopes', async () => {
    const notAllowed = {
      status: 403,
      code: 'CONSENT_INFO.NOT_ALLOWED_SCOPES_PURPOSE',
      message: 'The requested scope(s) and Purpose combination is not allowed for this API Consumer.',
    };
    const otherPurpose = await post(
      p.app,
      PATH,
      { phoneNumber: NUMBER, scopes: ['sim-swap:check'], purpose: FRAUD, requestCaptureUrl: false },
      await token(CREDIT),
    );
    expect(otherPurpose.status).toBe(403);
    expect(await otherPurpose.json()).toEqual(notAllowed);
    // Outside dpv:CreditChecking; the second one is not even onboarded for the application.
    for (const scopes of [
      ['number-verification:verify'],
      ['sim-swap-subscriptions:org.camaraproject.sim-swap-subscriptions.v0.swapped'],
    ]) {
      const res = await retrieve({ scopes });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(notAllowed);
    }
  });

  it('consent_info_retrieveStatus_403.1_invalid_token_permissions', async () => {
    const res = await post(
      p.app,
      PATH,
      { phoneNumber: NUMBER, scopes: ['sim-swap:check'], purpose: CREDIT, requestCaptureUrl: false },
      await p.token({ purpose: CREDIT }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('consent_info_retrieveStatus_C02.03/C02.04: identifier rules', async () => {
    const threeLegged = await post(
      p.app,
      PATH,
      { phoneNumber: NUMBER, scopes: ['sim-swap:check'], purpose: CREDIT, requestCaptureUrl: false },
      await token(CREDIT, NUMBER),
    );
    expect(threeLegged.status).toBe(422);
    expect(await threeLegged.json()).toMatchObject({ code: 'UNNECESSARY_IDENTIFIER' });
    const missing = await post(
      p.app,
      PATH,
      { scopes: ['sim-swap:check'], purpose: CREDIT, requestCaptureUrl: false },
      await token(CREDIT),
    );
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ code: 'MISSING_IDENTIFIER' });
    const fromToken = await post(
      p.app,
      PATH,
      { scopes: ['sim-swap:check'], purpose: CREDIT, requestCaptureUrl: false },
      await token(CREDIT, NUMBER),
    );
    expect(fromToken.status).toBe(200);
  });

  it('publishes its OpenAPI document', async () => {
    const res = await p.app.request('/openapi/consent-info.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, { post: { operationId: string } }> };
    expect(doc.paths['/retrieve']?.post.operationId).toBe('retrieveStatus');
  });

  it('consent_info_retrieveStatus_400.3_empty_request_body and an unknown number answered like any other', async () => {
    const empty = await post(p.app, PATH, {}, await token());
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const unknown = await retrieve({ phoneNumber: '+34699999999' });
    const known = await retrieve({ phoneNumber: '+34600000002' });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual(await known.json());
  });
});
