import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  CREDIT,
  DEMO_BACKEND,
  demoBackend,
  expectNoNumbersIn,
  FRAUD,
  operatorPost,
  PERMISSION_DENIED,
  type ConsentServer,
} from './support/consent.js';
import { startTarget, targetRows, TARGETS } from '../support/targets.js';

const HOUR_MS = 3_600_000;
/** Swapped 1440 h (60 days) ago: beyond CreditChecking's 30 monitored days. */
const SWAPPED_60_DAYS = '+34600000009';
/** The KYC subscriber of the sandbox. */
const KYC = '+34600000010';

/**
 * Issue 3, "Done when": the same application asks about the same number under two purposes and
 * gets the answer each purpose's policy allows (sandbox registry: FraudPreventionAndDetection,
 * unlimited SIM Swap history and every KYC field; CreditChecking, 720 h / 30 days and six KYC
 * fields); a withdrawn consent stops the next call of its purpose only. Real tokens (JWT-bearer,
 * openid-client 6) over a real socket, memory and Redis.
 */
describe.each(targetRows(TARGETS))('purpose-scoped answers, end to end (%s)', (_name, target) => {
  let s: ConsentServer;
  let backend: Awaited<ReturnType<typeof demoBackend>>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTarget(target);
    backend = await demoBackend(s);
    // CreditChecking rests on consent: the operator imports the subscribers' consents first.
    for (const [number, scopes] of [
      [SWAPPED_60_DAYS, ['sim-swap:check', 'sim-swap:retrieve-date']],
      [KYC, ['kyc-match:match']],
    ] as const) {
      const res = await operatorPost(s, '/internal/consents', {
        phoneNumber: number,
        clientId: DEMO_BACKEND,
        purpose: CREDIT,
        scopes,
      });
      expect(res.status).toBe(201);
    }
    for (const purpose of [FRAUD, CREDIT]) {
      tokens[`${purpose} ${SWAPPED_60_DAYS}`] = await jwtBearer(
        SWAPPED_60_DAYS,
        `${purpose} sim-swap:check sim-swap:retrieve-date`,
      );
      tokens[`${purpose} ${KYC}`] = await jwtBearer(KYC, `${purpose} kyc-match:match`);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  const jwtBearer = async (number: string, scope: string) =>
    (await backend.jwtBearer(`tel:${number}`, scope)).access_token;
  const token = (purpose: string, number: string) => tokens[`${purpose} ${number}`] as string;

  it('SIM Swap retrieve-date: a date under one purpose, only monitoredPeriod under the other', async () => {
    const before = s.clock.now();
    const fraud = await callApi(s, '/sim-swap/v2/retrieve-date', token(FRAUD, SWAPPED_60_DAYS));
    const after = s.clock.now();
    expect(fraud.status).toBe(200);
    const date = Date.parse((fraud.body as { latestSimChange: string }).latestSimChange);
    expect(date).toBeGreaterThanOrEqual(before - 1440 * HOUR_MS);
    expect(date).toBeLessThanOrEqual(after - 1440 * HOUR_MS);
    expect(Object.keys(fraud.body as object)).toEqual(['latestSimChange']);

    expect(await callApi(s, '/sim-swap/v2/retrieve-date', token(CREDIT, SWAPPED_60_DAYS))).toEqual({
      status: 200,
      body: { latestSimChange: null, monitoredPeriod: 30 },
    });
  });

  it('SIM Swap check: a look-back within one purpose is out of range for the other', async () => {
    const body = { maxAge: 1500 };
    expect(await callApi(s, '/sim-swap/v2/check', token(FRAUD, SWAPPED_60_DAYS), body)).toEqual({
      status: 200,
      body: { swapped: true },
    });
    expect(await callApi(s, '/sim-swap/v2/check', token(CREDIT, SWAPPED_60_DAYS), body)).toEqual({
      status: 400,
      body: {
        status: 400,
        code: 'OUT_OF_RANGE',
        message: 'Check monitor period could not exceed local regulations (720 hours).',
      },
    });
  });

  it('KYC Match: a field outside the purpose’s policy is refused with 403', async () => {
    const idDocument = { idDocument: '66666666q', name: 'Federica Sanchez Arjona' };
    expect(await callApi(s, '/kyc-match/v0.4/match', token(FRAUD, KYC), idDocument)).toEqual({
      status: 200,
      body: { idDocumentMatch: 'true', nameMatch: 'true' },
    });
    expect(await callApi(s, '/kyc-match/v0.4/match', token(CREDIT, KYC), idDocument)).toEqual({
      status: 403,
      body: PERMISSION_DENIED,
    });
    expect(
      await callApi(s, '/kyc-match/v0.4/match', token(CREDIT, KYC), { name: 'Federica Sanchez Arjona' }),
    ).toEqual({ status: 200, body: { nameMatch: 'true' } });
  });

  it('a withdrawn consent stops the next call of its purpose, not the other purpose', async () => {
    const withdraw = await operatorPost(s, '/internal/consents/withdraw', {
      phoneNumber: SWAPPED_60_DAYS,
      clientId: DEMO_BACKEND,
      purpose: CREDIT,
    });
    expect(withdraw.status).toBe(200);
    expect(await callApi(s, '/sim-swap/v2/retrieve-date', token(CREDIT, SWAPPED_60_DAYS))).toEqual({
      status: 403,
      body: PERMISSION_DENIED,
    });
    expect((await callApi(s, '/sim-swap/v2/retrieve-date', token(FRAUD, SWAPPED_60_DAYS))).status).toBe(200);
  });

  it('no subscriber number in any log line of these calls', () => {
    expectNoNumbersIn(s.logs);
  });
});
