import { base64url } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import { ManualClock } from '../../src/clock.js';
import { SandboxOutbox } from '../../src/consent/notifier.js';
import type { AccessQuery } from '../../src/consent/port.js';
import { ApiError } from '../../src/errors.js';
import type { Store } from '../../src/store/port.js';
import { testPlatform, type TestPlatform } from '../support/app.js';
import { engines } from '../support/stores.js';
import { grantKeys, subscriberKeys } from '../../src/store/keys.js';

const key = (byte: number) => base64url.encode(new Uint8Array(32).fill(byte));
const K1 = `k1:${key(1)}`;
const K2 = `k2:${key(2)}`;
const DAY = 86_400_000;

const NUMBER = '+34600000001';
const OTHER = '+34600000002';
const FRAUD = 'dpv:FraudPreventionAndDetection';
const CREDIT = 'dpv:CreditChecking';

const q = (over: Partial<AccessQuery> = {}): AccessQuery => ({
  clientId: 'demo-app',
  purpose: CREDIT,
  subscriber: NUMBER,
  scopes: ['sim-swap:check'],
  ...over,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).code;
}

const partner: Application = {
  clientId: 'partner-app',
  name: 'Partner Shop',
  status: 'active',
  plan: 'sandbox',
  authMethods: ['private_key_jwt'],
  grantTypes: ['client_credentials'],
  scopes: ['sim-swap:check', 'number-verification:verify'],
  purposes: [FRAUD, CREDIT, 'dpv:RequestedServiceProvision'],
  twoLeggedApis: ['sim-swap'],
};

describe.each(engines())('consent service on $name', (engine) => {
  let clock: ManualClock;
  let store: Store;
  let p: TestPlatform;
  const platform = (keys = K1) => testPlatform({ clock, store, env: { PSEUDONYM_KEYS: keys } });

  beforeEach(async () => {
    clock = new ManualClock();
    store = await engine.make(clock);
    p = await platform();
    await p.deps.applications.put(partner);
  });

  const outbox = () => p.deps.consentNotifier as SandboxOutbox;

  it('legitimate interest: allowed without consent until the subscriber opts out', async () => {
    const m = p.deps.consentManager;
    const fraud = q({ purpose: FRAUD });
    expect(await m.check(fraud)).toEqual({ allowed: true, basis: 'legitimate_interest' });
    const view = await m.optOut(fraud, 'subscriber');
    expect(view).toMatchObject({
      clientId: 'demo-app',
      purpose: FRAUD,
      status: 'opted_out',
      expiresAt: null,
    });
    expect(await m.check(fraud)).toEqual({ allowed: false, reason: 'opted_out' });
    expect(await m.check({ ...fraud, subscriber: OTHER })).toMatchObject({ allowed: true });
    expect(await m.check({ ...fraud, clientId: 'partner-app' })).toMatchObject({ allowed: true });
    expect(await m.removeOptOut(fraud)).toBe(true);
    expect(await m.removeOptOut(fraud)).toBe(false);
    expect(await m.check(fraud)).toMatchObject({ allowed: true });
  });

  it('an opt-out from a purpose for every application', async () => {
    const m = p.deps.consentManager;
    await m.optOut({ clientId: '*', purpose: FRAUD, subscriber: NUMBER }, 'operator');
    expect(await m.check(q({ purpose: FRAUD }))).toEqual({ allowed: false, reason: 'opted_out' });
    expect(await m.check(q({ purpose: FRAUD, clientId: 'partner-app' }))).toEqual({
      allowed: false,
      reason: 'opted_out',
    });
    expect(await codeOf(m.optOut({ clientId: '*', purpose: CREDIT, subscriber: NUMBER }, 'operator'))).toBe(
      'CONSENT.BASIS_MISMATCH',
    );
  });

  it('consent: required until given, limited to its scopes, lapses at expiry', async () => {
    const m = p.deps.consentManager;
    expect(await m.check(q())).toEqual({ allowed: false, reason: 'consent_required' });
    const view = await m.importConsent(q());
    expect(view).toMatchObject({ status: 'granted', source: 'operator', scopes: ['sim-swap:check'] });
    expect(view.expiresAt).toBe(clock.now() + 90 * DAY); // dpv:CreditChecking: consentDays 90
    expect(await m.check(q())).toEqual({ allowed: true, basis: 'consent' });
    expect(await m.check(q({ scopes: ['sim-swap:check', 'sim-swap:retrieve-date'] }))).toMatchObject({
      allowed: false,
    });
    expect(await m.check(q({ clientId: 'partner-app' }))).toMatchObject({ allowed: false });
    // Protocol scopes of a 3-legged token need no consent of their own.
    expect(await m.check(q({ scopes: ['openid', 'offline_access', 'sim-swap:check'] }))).toMatchObject({
      allowed: true,
    });
    clock.advance(90 * DAY);
    expect(await m.check(q())).toEqual({ allowed: false, reason: 'consent_required' });
    expect((await m.list(NUMBER, 'demo-app')).map((c) => c.status)).toEqual(['expired']);
  });

  it('contract: allowed without consent; refuses the wrong application, purpose or scope', async () => {
    const m = p.deps.consentManager;
    const contract = q({
      clientId: 'partner-app',
      purpose: 'dpv:RequestedServiceProvision',
      scopes: ['number-verification:verify'],
    });
    expect(await m.check(contract)).toEqual({ allowed: true, basis: 'contract' });
    const refused = { allowed: false, reason: 'purpose_not_allowed' };
    expect(await m.check({ ...contract, clientId: 'demo-app' })).toEqual(refused);
    expect(await m.check(q({ purpose: 'dpv:Marketing' }))).toEqual(refused);
    expect(await m.check(q({ clientId: 'nobody' }))).toEqual(refused);
    expect(await m.check(q({ purpose: 'dpv:IdentityVerification' }))).toEqual(refused);
    await p.deps.applications.put({ ...partner, status: 'suspended' });
    expect(await m.check(contract)).toEqual(refused);
  });

  it('capture: a pending request, delivered by the channel, answered once through the link', async () => {
    const m = p.deps.consentManager;
    const { request, captureUrl } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    expect(request).toMatchObject({
      status: 'pending',
      source: 'ciba',
      subscriber: NUMBER,
      clientId: 'demo-app',
    });
    expect(captureUrl).toMatch(
      new RegExp(`^http://gateway.test/consent/${request.id}\\?t=[A-Za-z0-9_-]{43}$`),
    );
    expect(outbox().list({ requestId: request.id })).toEqual([
      {
        requestId: request.id,
        clientId: 'demo-app',
        applicationName: 'Demo Bank (sandbox)',
        purpose: request.purpose,
        scopes: request.scopes,
        source: 'ciba',
        url: captureUrl,
        createdAt: request.createdAt,
        expiresAt: request.expiresAt,
      },
    ]);
    expect(await m.status(q())).toMatchObject({
      valid: false,
      reason: 'REQUESTED',
      pendingRequestId: request.id,
    });

    const decided = await m.decideByLink(request.id, 'grant');
    expect(decided.status).toBe('granted');
    expect(await m.getRequest(request.id)).toMatchObject({ status: 'granted', subscriber: NUMBER });
    expect(await m.check(q())).toEqual({ allowed: true, basis: 'consent' });
    expect(await m.list(NUMBER, 'demo-app')).toMatchObject([
      { purpose: CREDIT, status: 'granted', source: 'ciba' },
    ]);
    // Replayed approval (or a second answer): refused, nothing changes.
    expect(await codeOf(m.decideByLink(request.id, 'deny'))).toBe('CONSENT.ALREADY_DECIDED');
    expect(await m.check(q())).toEqual({ allowed: true, basis: 'consent' });
  });

  it('a denial stores no consent', async () => {
    const m = p.deps.consentManager;
    const { request } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    expect((await m.decideByLink(request.id, 'deny')).status).toBe('denied');
    expect(await m.getRequest(request.id)).toMatchObject({ status: 'denied' });
    expect(await m.list(NUMBER, 'demo-app')).toEqual([]);
    expect(await m.check(q())).toEqual({ allowed: false, reason: 'consent_required' });
  });

  it('approving an expired request is refused and stores nothing', async () => {
    const m = p.deps.consentManager;
    const { request } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 60 });
    clock.advance(60_000);
    expect(await m.getRequest(request.id)).toMatchObject({ status: 'expired' });
    expect(await codeOf(m.decideByLink(request.id, 'grant'))).toBe('CONSENT.REQUEST_EXPIRED');
    expect(await m.list(NUMBER, 'demo-app')).toEqual([]);
    expect(outbox().list({ requestId: request.id })).toEqual([]);
  });

  it("the operator's channel may answer only for the request's own subscriber", async () => {
    const m = p.deps.consentManager;
    const { request } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    expect(await codeOf(m.decideByOperator(request.id, OTHER, 'grant'))).toBe('CONSENT.SUBSCRIBER_MISMATCH');
    expect(await m.list(OTHER, 'demo-app')).toEqual([]);
    expect(await m.list(NUMBER, 'demo-app')).toEqual([]);
    expect((await m.decideByOperator(request.id, NUMBER, 'grant')).status).toBe('granted');
    expect(await codeOf(m.decideByOperator('6d1f0a8e-0000-4000-8000-000000000000', NUMBER, 'grant'))).toBe(
      'CONSENT.REQUEST_NOT_FOUND',
    );
    expect(await codeOf(m.decideByLink('not-a-uuid', 'grant'))).toBe('CONSENT.REQUEST_NOT_FOUND');
  });

  it('of two concurrent answers exactly one is recorded', async () => {
    const m = p.deps.consentManager;
    const { request } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    const results = await Promise.allSettled([
      m.decideByLink(request.id, 'grant'),
      m.decideByLink(request.id, 'deny'),
      m.decideByOperator(request.id, NUMBER, 'grant'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('bad capture requests are refused with a clear error and store nothing', async () => {
    const m = p.deps.consentManager;
    const capture = (over: Partial<AccessQuery>) =>
      m.requestConsent({ ...q(over), source: 'consent-info', ttlSeconds: 300 });
    expect(await codeOf(capture({ clientId: 'nobody' }))).toBe('CONSENT.UNKNOWN_APPLICATION');
    expect(await codeOf(capture({ purpose: 'dpv:Marketing' }))).toBe('CONSENT.UNKNOWN_PURPOSE');
    expect(await codeOf(capture({ purpose: `${CREDIT} ${FRAUD}` }))).toBe('CONSENT.UNKNOWN_PURPOSE');
    expect(await codeOf(capture({ purpose: 'dpv:RequestedServiceProvision' }))).toBe(
      'CONSENT.PURPOSE_NOT_ALLOWED',
    );
    expect(await codeOf(capture({ scopes: ['number-verification:verify'] }))).toBe(
      'CONSENT.PURPOSE_NOT_ALLOWED',
    );
    expect(outbox().list()).toEqual([]);
    expect(await m.status(q())).toMatchObject({ valid: false, reason: 'PENDING', pendingRequestId: null });
    expect(await codeOf(m.importConsent(q({ purpose: FRAUD })))).toBe('CONSENT.BASIS_MISMATCH');
    expect(
      await codeOf(m.importConsent(q({ scopes: ['sim-swap:retrieve-date', 'number-verification:verify'] }))),
    ).toBe('CONSENT.PURPOSE_NOT_ALLOWED');
    expect(await m.list(NUMBER, 'demo-app')).toEqual([]);
  });

  it('requests through the channel: CONSENT_CAPTURES_PER_DAY per application and subscriber', async () => {
    const m = p.deps.consentManager;
    const capture = (source: 'ciba' | 'consent-info' | 'authorize', over: Partial<AccessQuery> = {}) =>
      m.requestConsent({ ...q(over), source, ttlSeconds: 300 });
    // The default is 3 a day, CIBA and Consent Info together, every purpose together.
    await capture('ciba');
    await capture('consent-info', { scopes: ['sim-swap:retrieve-date'] });
    await capture('ciba', { purpose: FRAUD });
    expect(await codeOf(capture('ciba'))).toBe('CONSENT.TOO_MANY_REQUESTS');
    expect(await codeOf(capture('consent-info'))).toBe('CONSENT.TOO_MANY_REQUESTS');
    expect(outbox().list()).toHaveLength(3);
    // Not the page of the subscriber's own browser; not another subscriber or application.
    await capture('authorize');
    await capture('ciba', { subscriber: OTHER });
    await p.deps.applications.put(partner);
    await capture('ciba', { clientId: partner.clientId });
    clock.advance(DAY);
    await capture('ciba');
    expect(outbox().list({ clientId: 'demo-app' })).toHaveLength(1); // the day-old links expired
  });

  it('withdrawal: the next check fails, and open or approved-but-unused captures die', async () => {
    const m = p.deps.consentManager;
    const first = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    await m.decideByLink(first.request.id, 'grant');
    const inFlight = await m.requestConsent({
      ...q({ scopes: ['sim-swap:retrieve-date'] }),
      source: 'ciba',
      ttlSeconds: 300,
    });
    clock.advance(1000);
    const view = await m.withdraw(q(), 'subscriber');
    expect(view).toMatchObject({ status: 'revoked', purpose: CREDIT });
    expect(await m.check(q())).toEqual({ allowed: false, reason: 'consent_required' });
    expect(await m.getRequest(first.request.id)).toMatchObject({ status: 'denied' });
    expect(await m.getRequest(inFlight.request.id)).toMatchObject({ status: 'denied' });
    expect(await codeOf(m.decideByLink(inFlight.request.id, 'grant'))).toBe('CONSENT.ALREADY_DECIDED');
    expect(await m.status(q())).toMatchObject({ valid: false, reason: 'REVOKED' });
    // A new capture after the withdrawal works again.
    clock.advance(1000);
    const again = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    expect((await m.decideByLink(again.request.id, 'grant')).status).toBe('granted');
    expect(await m.check(q())).toMatchObject({ allowed: true });
  });

  it('a suspended application gets nothing, but its subscribers may still withdraw', async () => {
    const m = p.deps.consentManager;
    const partnerCredit = q({ clientId: 'partner-app' });
    await m.importConsent(partnerCredit);
    await p.deps.applications.put({ ...partner, status: 'suspended' });
    expect(await m.check(partnerCredit)).toEqual({ allowed: false, reason: 'purpose_not_allowed' });
    expect(await m.withdraw(partnerCredit, 'subscriber')).toMatchObject({ status: 'revoked' });
    expect(await codeOf(m.importConsent(partnerCredit))).toBe('CONSENT.UNKNOWN_APPLICATION');
  });

  it('withdrawing nothing, or a contract, is refused', async () => {
    const m = p.deps.consentManager;
    expect(await codeOf(m.withdraw(q(), 'subscriber'))).toBe('CONSENT.NOTHING_TO_WITHDRAW');
    const contract = {
      clientId: 'partner-app',
      purpose: 'dpv:RequestedServiceProvision',
      subscriber: NUMBER,
    };
    expect(await codeOf(m.withdraw(contract, 'subscriber'))).toBe('CONSENT.BASIS_MISMATCH');
    expect(await m.withdraw(q({ purpose: FRAUD }), 'subscriber')).toMatchObject({ status: 'opted_out' });
  });

  it('key rotation keeps consents reachable and re-keys them on write', async () => {
    await p.deps.consentManager.importConsent(q());
    const rotated = await platform(`${K2},${K1}`);
    expect(await rotated.deps.consentManager.check(q())).toEqual({ allowed: true, basis: 'consent' });
    const [active, old] = await rotated.deps.pseudonyms.candidates(NUMBER);
    expect(active).toMatch(/^k2\./);
    expect(await store.get(subscriberKeys.consent(old as string, 'demo-app', CREDIT))).not.toBeNull();
    await rotated.deps.consentManager.withdraw(q(), 'operator');
    expect(await store.get(subscriberKeys.consent(old as string, 'demo-app', CREDIT))).toBeNull();
    const record = JSON.parse(
      (await store.get(subscriberKeys.consent(active as string, 'demo-app', CREDIT))) as string,
    ) as {
      subject: string;
      status: string;
    };
    expect(record).toMatchObject({ subject: active, status: 'revoked' });
    const retired = await platform(K2);
    expect(await retired.deps.consentManager.check(q())).toEqual({
      allowed: false,
      reason: 'consent_required',
    });
    expect((await retired.deps.consentManager.list(NUMBER, 'demo-app')).map((c) => c.status)).toEqual([
      'revoked',
    ]);
  });

  it('stores no subscriber number in clear', async () => {
    const m = p.deps.consentManager;
    const { request } = await m.requestConsent({ ...q(), source: 'ciba', ttlSeconds: 300 });
    await m.decideByLink(request.id, 'grant');
    await m.optOut(q({ purpose: FRAUD }), 'operator');
    const raw = [
      await store.get(grantKeys.consentRequest(request.id)),
      await store.get(subscriberKeys.consent(await p.deps.pseudonyms.of(NUMBER), 'demo-app', CREDIT)),
      await store.get(subscriberKeys.consent(await p.deps.pseudonyms.of(NUMBER), 'demo-app', FRAUD)),
    ];
    for (const value of raw) {
      expect(value).not.toBeNull();
      expect(value).not.toContain('34600000001');
    }
  });
});
