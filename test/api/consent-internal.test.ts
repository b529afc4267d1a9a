import { beforeEach, describe, expect, it } from 'vitest';
import { linkOf, OPERATOR_ENV, OPERATOR_KEY, operatorPost } from '../support/consent.js';
import { testPlatform, type TestPlatform } from '../support/app.js';

const CREDIT = 'dpv:CreditChecking';
const NUMBER = '+34600000001';
const base = { phoneNumber: NUMBER, clientId: 'demo-app', purpose: CREDIT, scopes: ['sim-swap:check'] };

describe("the operator's consent API", () => {
  let p: TestPlatform;
  beforeEach(async () => {
    p = await testPlatform({ env: OPERATOR_ENV });
  });
  const listed = async (phoneNumber = NUMBER) =>
    (
      (await (
        await operatorPost(p.app, '/internal/consents/list', { phoneNumber, clientId: 'demo-app' })
      ).json()) as {
        consents: unknown[];
      }
    ).consents;

  it('is not served at all without configured keys', async () => {
    const closed = await testPlatform();
    const res = await operatorPost(closed.app, '/internal/consents', base);
    expect(res.status).toBe(404);
  });

  it('authenticates with a hashed API key, one answer for every failure', async () => {
    for (const key of ['wrong-key-0123456789abcdef', `${OPERATOR_KEY}x`]) {
      const res = await operatorPost(p.app, '/internal/consents', base, key);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="operator"');
      expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const none = await p.app.request('/internal/consents/list', { method: 'POST' });
    expect(none.status).toBe(401);
    expect(await listed()).toEqual([]);
  });

  it('imports a consent; the view never carries the number', async () => {
    const res = await operatorPost(p.app, '/internal/consents', {
      ...base,
      expiresAt: '2026-03-01T00:00:00Z',
    });
    expect(res.status).toBe(201);
    const view = await res.json();
    expect(view).toMatchObject({
      clientId: 'demo-app',
      purpose: CREDIT,
      scopes: ['sim-swap:check'],
      status: 'granted',
      source: 'operator',
      expiresAt: Date.parse('2026-03-01T00:00:00Z'),
    });
    expect(JSON.stringify(view)).not.toContain('3460000');
    expect(await listed()).toHaveLength(1);
  });

  it.each([
    ['an unknown application', { clientId: 'nobody' }, 400, 'CONSENT.UNKNOWN_APPLICATION'],
    ['an unknown purpose', { purpose: 'dpv:Marketing' }, 400, 'CONSENT.UNKNOWN_PURPOSE'],
    ['a second purpose', { purpose: `${CREDIT} dpv:FraudPreventionAndDetection` }, 400, 'INVALID_ARGUMENT'],
    ['a list of purposes', { purpose: [CREDIT, 'dpv:IdentityVerification'] }, 400, 'INVALID_ARGUMENT'],
    [
      'a purpose the application lacks',
      { purpose: 'dpv:RequestedServiceProvision' },
      403,
      'CONSENT.PURPOSE_NOT_ALLOWED',
    ],
    [
      'a scope outside the purpose',
      { scopes: ['number-verification:verify'] },
      403,
      'CONSENT.PURPOSE_NOT_ALLOWED',
    ],
    [
      'a legitimate-interest purpose',
      { purpose: 'dpv:FraudPreventionAndDetection' },
      409,
      'CONSENT.BASIS_MISMATCH',
    ],
    ['an expiry in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 400, 'INVALID_ARGUMENT'],
    ['a malformed number', { phoneNumber: '34600000001' }, 400, 'INVALID_ARGUMENT'],
    ['an unknown property', { note: 'x' }, 400, 'INVALID_ARGUMENT'],
  ])('refuses %s, storing nothing', async (_name, change, status, code) => {
    const res = await operatorPost(p.app, '/internal/consents', { ...base, ...change });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ status, code });
    expect(await listed()).toEqual([]);
  });

  it('relays a decision for the right subscriber only, once', async () => {
    const { request } = await p.deps.consent.requestConsent({
      clientId: 'demo-app',
      purpose: CREDIT,
      subscriber: NUMBER,
      scopes: ['sim-swap:check'],
      source: 'ciba',
      ttlSeconds: 300,
    });
    expect(await linkOf(p.app, request.id)).toMatch(/\/consent\/.+\?t=/);
    const decide = (body: unknown, id = request.id) =>
      operatorPost(p.app, `/internal/consent-requests/${id}/decision`, body);
    const someoneElse = await decide({ phoneNumber: '+34600000002', decision: 'grant' });
    expect(someoneElse.status).toBe(403);
    expect(await someoneElse.json()).toEqual({
      status: 403,
      code: 'CONSENT.SUBSCRIBER_MISMATCH',
      message: 'The consent request belongs to another subscriber.',
    });
    expect(await listed()).toEqual([]);
    const ok = await decide({ phoneNumber: NUMBER, decision: 'grant' });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ id: request.id, status: 'granted', clientId: 'demo-app', purpose: CREDIT });
    expect(body).not.toHaveProperty('subscriber');
    const replay = await decide({ phoneNumber: NUMBER, decision: 'grant' });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ code: 'CONSENT.ALREADY_DECIDED' });
    const missing = await decide(
      { phoneNumber: NUMBER, decision: 'grant' },
      '6d1f0a8e-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'CONSENT.REQUEST_NOT_FOUND' });
    // The link is gone from the sandbox outbox once answered.
    await expect(linkOf(p.app, request.id)).rejects.toThrow('no notification');
  });

  it('records and lifts opt-outs', async () => {
    const fraud = { phoneNumber: NUMBER, purpose: 'dpv:FraudPreventionAndDetection', clientId: 'demo-app' };
    expect((await operatorPost(p.app, '/internal/opt-outs', fraud)).status).toBe(201);
    expect(await listed()).toMatchObject([{ status: 'opted_out', purpose: fraud.purpose }]);
    expect((await operatorPost(p.app, '/internal/opt-outs/remove', fraud)).status).toBe(204);
    const again = await operatorPost(p.app, '/internal/opt-outs/remove', fraud);
    expect(again.status).toBe(404);
    const consentBased = await operatorPost(p.app, '/internal/opt-outs', { ...fraud, purpose: CREDIT });
    expect(consentBased.status).toBe(409);
    expect(await consentBased.json()).toMatchObject({ code: 'CONSENT.BASIS_MISMATCH' });
  });
});
