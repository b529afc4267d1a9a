import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { OPERATOR_ENV, operatorPost } from '../support/consent.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { engines } from '../support/stores.js';

const FRAUD = 'dpv:FraudPreventionAndDetection';
const CREDIT = 'dpv:CreditChecking';
const SWAPPED_60_DAYS_AGO = '+34600000009';
const DENIED = {
  status: 403,
  code: 'PERMISSION_DENIED',
  message: 'Client does not have sufficient permissions to perform this action.',
};

describe.each(engines())('legal basis on every SIM Swap call, on $name', (engine) => {
  let p: TestPlatform;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock();
    p = await testPlatform({ clock, store: await engine.make(clock), env: OPERATOR_ENV });
  });

  const retrieve = async (purpose: string, phoneNumber = SWAPPED_60_DAYS_AGO) =>
    post(p.app, '/sim-swap/v2/retrieve-date', { phoneNumber }, await p.token({ purpose }));
  const importConsent = (phoneNumber: string) =>
    operatorPost(p.app, '/internal/consents', {
      phoneNumber,
      clientId: 'demo-app',
      purpose: CREDIT,
      scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
    });

  it('gives the same application different answers for the same number under different purposes', async () => {
    const fraud = await retrieve(FRAUD);
    expect(fraud.status).toBe(200);
    expect(await fraud.json()).toEqual({
      latestSimChange: new Date(clock.now() - 60 * 86_400_000).toISOString(),
    });

    const noConsent = await retrieve(CREDIT);
    expect(noConsent.status).toBe(403);
    expect(await noConsent.json()).toEqual(DENIED);

    expect((await importConsent(SWAPPED_60_DAYS_AGO)).status).toBe(201);
    const credit = await retrieve(CREDIT);
    expect(credit.status).toBe(200);
    // dpv:CreditChecking discloses a date only within 30 days: null plus monitoredPeriod.
    expect(await credit.json()).toEqual({ latestSimChange: null, monitoredPeriod: 30 });

    const check = async (purpose: string) =>
      post(
        p.app,
        '/sim-swap/v2/check',
        { phoneNumber: SWAPPED_60_DAYS_AGO, maxAge: 1000 },
        await p.token({ purpose }),
      );
    const fraudCheck = await check(FRAUD);
    expect(fraudCheck.status).toBe(200);
    expect(await fraudCheck.json()).toEqual({ swapped: false });
    const creditCheck = await check(CREDIT);
    expect(creditCheck.status).toBe(400);
    expect(await creditCheck.json()).toMatchObject({ status: 400, code: 'OUT_OF_RANGE' });
  });

  it('answers the same 403 whether or not the number exists', async () => {
    const known = await retrieve(CREDIT, '+34600000001');
    const unknown = await retrieve(CREDIT, '+34699999999');
    expect([known.status, unknown.status]).toEqual([403, 403]);
    expect(await known.json()).toEqual(DENIED);
    expect(await unknown.json()).toEqual(DENIED);
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
  });

  it('stops the very next call once consent is withdrawn', async () => {
    await importConsent(SWAPPED_60_DAYS_AGO);
    const token = await p.token({ purpose: CREDIT });
    const call = () => post(p.app, '/sim-swap/v2/check', { phoneNumber: SWAPPED_60_DAYS_AGO }, token);
    expect((await call()).status).toBe(200);
    const withdrawn = await operatorPost(p.app, '/internal/consents/withdraw', {
      phoneNumber: SWAPPED_60_DAYS_AGO,
      clientId: 'demo-app',
      purpose: CREDIT,
    });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toMatchObject({ status: 'revoked', purpose: CREDIT });
    const after = await call();
    expect(after.status).toBe(403);
    expect(await after.json()).toEqual(DENIED);
  });

  it('serves a legitimate-interest purpose without consent until the subscriber opts out', async () => {
    expect((await retrieve(FRAUD)).status).toBe(200);
    const optOut = await operatorPost(p.app, '/internal/opt-outs', {
      phoneNumber: SWAPPED_60_DAYS_AGO,
      purpose: FRAUD,
    });
    expect(optOut.status).toBe(201);
    expect(await optOut.json()).toMatchObject({ clientId: '*', status: 'opted_out' });
    const refused = await retrieve(FRAUD);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual(DENIED);
    expect((await retrieve(FRAUD, '+34600000001')).status).toBe(200);
  });

  it('lets the subscriber withdraw and object through self-service with a 3-legged token', async () => {
    await importConsent(SWAPPED_60_DAYS_AGO);
    const creditToken = await p.token({ purpose: CREDIT, subscriber: SWAPPED_60_DAYS_AGO });
    const fraudToken = await p.token({ purpose: FRAUD, subscriber: SWAPPED_60_DAYS_AGO });
    const call = (token: string) => post(p.app, '/sim-swap/v2/retrieve-date', {}, token);
    expect((await call(creditToken)).status).toBe(200);
    expect((await call(fraudToken)).status).toBe(200);

    const list = await p.app.request('/consents', { headers: { authorization: `Bearer ${creditToken}` } });
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { consents: { purpose: string; status: string }[] };
    expect(listed.consents.map((c) => [c.purpose, c.status])).toEqual([[CREDIT, 'granted']]);
    expect(JSON.stringify(listed)).not.toContain('34600000009');

    const del = (purpose: string) =>
      p.app.request(`/consents/${purpose}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${creditToken}` },
      });
    expect(await (await del(CREDIT)).json()).toMatchObject({ purpose: CREDIT, status: 'revoked' });
    expect((await call(creditToken)).status).toBe(403);
    expect(await (await del(FRAUD)).json()).toMatchObject({ purpose: FRAUD, status: 'opted_out' });
    expect((await call(fraudToken)).status).toBe(403);
    const again = await del(CREDIT);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: 'CONSENT.NOTHING_TO_WITHDRAW' });
  });

  it('keeps self-service to 3-legged tokens', async () => {
    const twoLegged = await p.app.request('/consents', {
      headers: { authorization: `Bearer ${await p.token()}` },
    });
    expect(twoLegged.status).toBe(403);
    expect(await twoLegged.json()).toEqual(DENIED);
    const none = await p.app.request('/consents');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a token without a purpose', async () => {
    const res = await post(
      p.app,
      '/sim-swap/v2/check',
      { phoneNumber: '+34600000001' },
      await p.token({ purpose: undefined }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(DENIED);
  });
});

describe('legal basis when the store is down', () => {
  it('fails closed with 503 UNAVAILABLE, never skipping the check', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const p = await testPlatform({ clock, store });
    const token = await p.token({ purpose: FRAUD });
    // The consent reads travel in the call's one batch with the revocation read and the hit.
    const batch = store.batch.bind(store);
    store.batch = async (ops) => {
      if (ops.some((o) => o.key.startsWith('consent:'))) throw new StoreUnavailableError();
      return batch(ops);
    };
    const res = await post(p.app, '/sim-swap/v2/check', { phoneNumber: '+34600000001' }, token);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 503,
      code: 'UNAVAILABLE',
      message: 'Service temporarily unavailable.',
    });
  });
});
