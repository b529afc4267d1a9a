import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidTokens } from '../support/bad-tokens.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { expectError, expectSuccess, standard, type Operation } from '../support/camara-assert.js';
import { isRfc3339DateTime, camaraFacts } from '../support/openapi-schema.js';
import { startSimSwapTarget, type SimSwapTarget } from '../support/sim-swap-target.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * TEST-PLAN §2: retrieveSimSwapDate (POST /sim-swap/v2/retrieve-date), numbers of docs/sandbox.md,
 * over HTTP on every target (Node and the Worker) with tokens from the real flows; the scenarios
 * that need the manual clock or their own configuration run in process below.
 */

const PATH = '/sim-swap/v2/retrieve-date';
const op: Operation = { doc: camaraFacts('sim-swap'), path: '/retrieve-date', method: 'post' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Leg = { name: string; threeLegged: boolean };
type SimSwapInfo = { latestSimChange: string | null; monitoredPeriod?: number };

const LEGS: Leg[] = [
  { name: '2-legged, phoneNumber in the body', threeLegged: false },
  { name: '3-legged, body {}', threeLegged: true },
];

describe.each(targetRows(ONBOARDING_TARGETS))('retrieveSimSwapDate (%s)', (_name, target) => {
  let t: SimSwapTarget;
  beforeAll(async () => {
    t = await startSimSwapTarget(target);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function call(leg: Leg, phoneNumber: string, scopes?: string[]) {
    if (!leg.threeLegged) return t.post(PATH, { phoneNumber }, await t.token({ scopes }));
    return t.post(PATH, {}, await t.token({ subscriber: phoneNumber, scopes }));
  }

  async function retrieve(leg: Leg, phoneNumber: string): Promise<SimSwapInfo> {
    return expectSuccess<SimSwapInfo>(await call(leg, phoneNumber), op);
  }

  /**
   * The date `ms` before the server's time at the call. The server's clock is the wall clock on
   * every target, read while the call is in flight: the answer lies between the wall clock
   * before and after it, minus `ms`, to the millisecond.
   */
  async function expectChangedAgo(answer: () => Promise<SimSwapInfo>, ms: number): Promise<void> {
    const before = Date.now();
    const body = await answer();
    const after = Date.now();
    expect(Object.keys(body)).toEqual(['latestSimChange']);
    expect(typeof body.latestSimChange).toBe('string');
    // RFC 3339 §5.6 with a time zone, as SimSwapInfo.latestSimChange requires.
    expect(isRfc3339DateTime(body.latestSimChange as string)).toBe(true);
    expect(body.latestSimChange).toBe(new Date(Date.parse(body.latestSimChange as string)).toISOString());
    const at = Date.parse(body.latestSimChange as string);
    expect(at).toBeGreaterThanOrEqual(before - ms);
    expect(at).toBeLessThanOrEqual(after - ms);
  }

  describe.each(LEGS)('$name', (leg) => {
    it('@retrieve_sim_swap_date_1_generic_success_scenario', async () => {
      await expectChangedAgo(() => retrieve(leg, '+34600000001'), 2 * HOUR);
    });

    it.each([
      ['+34600000001', 2],
      ['+34600000002', 100], // two changes: the latest one is returned
      ['+34600000003', 300],
      ['+34600000009', 1440],
    ])('@retrieve_sim_swap_date_2_valid_sim_swap (%s)', async (number, hours) => {
      await expectChangedAgo(() => retrieve(leg, number), hours * HOUR);
    });

    it.each([
      ['+34600000004', 400],
      ['+34600000005', 2],
    ])(
      '@retrieve_sim_swap_date_3_no_sim_swap_returns_activation_date (%s, activated %i days ago)',
      async (number, days) => {
        // No SIM_SWAP_MONITORED_DAYS: unlimited monitoring.
        expect(t.server.deps.config.simSwap.monitoredDays).toBeUndefined();
        await expectChangedAgo(() => retrieve(leg, number), days * DAY);
      },
    );

    it('the sim-swap API-level scope is accepted', async () => {
      await expectChangedAgo(
        async () => expectSuccess<SimSwapInfo>(await call(leg, '+34600000001', ['sim-swap']), op),
        2 * HOUR,
      );
    });

    it('403 PERMISSION_DENIED for a token without sim-swap:retrieve-date or sim-swap', async () => {
      const res = await call(leg, '+34600000001', ['sim-swap:check']);
      await expectError(res, standard('PERMISSION_DENIED'), op);
    });

    it('@retrieve_sim_swap_date_C02.05_phone_number_not_supported (IoT line, line excluded from SIM Swap)', async () => {
      for (const number of ['+34600000007', '+34600000008']) {
        await expectError(await call(leg, number), standard('SERVICE_NOT_APPLICABLE'), op);
      }
    });
  });

  describe('numbers never associated with a SIM', () => {
    it('@retrieve_sim_swap_date_4_sim_never_associated', async () => {
      expect(await retrieve(LEGS[0] as Leg, '+34600000006')).toEqual({ latestSimChange: null });
    });
  });

  describe('authentication', () => {
    it('@retrieve_sim_swap_date_401.1_no_authorization_header', async () => {
      const res = await t.post(PATH, { phoneNumber: '+34600000001' }, undefined);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara"');
      await expectError(res, standard('UNAUTHENTICATED'), op);
    });

    it('@retrieve_sim_swap_date_401.3_invalid_access_token', async () => {
      const { deps, clock } = t.server;
      for (const [label, token] of await invalidTokens({ token: () => t.token(), deps, clock })) {
        const res = await t.post(PATH, { phoneNumber: '+34600000001' }, token);
        expect({ label, status: res.status }).toEqual({ label, status: 401 });
        await expectError(res, standard('UNAUTHENTICATED'), op);
      }
    });
  });

  describe('request validation', () => {
    const retrieveRaw = async (body: unknown) => t.post(PATH, body, await t.token());

    it.each(['34600000001', '+0123456789', '+3460000000100000', '+34 600 000 001', '', 34600000001, null])(
      '@retrieve_sim_swap_date_C02.01_phone_number_not_schema_compliant (%j)',
      async (phoneNumber) => {
        const res = await retrieveRaw({ phoneNumber });
        await expectError(res, { status: 400, code: 'INVALID_ARGUMENT', message: /^phoneNumber/ }, op);
      },
    );

    it('@retrieve_sim_swap_date_C02.02_phone_number_not_found', async () => {
      await expectError(
        await retrieveRaw({ phoneNumber: '+34699999999' }),
        standard('IDENTIFIER_NOT_FOUND'),
        op,
      );
    });

    it.each(['+34600000001', '+34600000003'])(
      '@retrieve_sim_swap_date_C02.03_unnecessary_phone_number (body %s, token +34600000001)',
      async (phoneNumber) => {
        const token = await t.token({ subscriber: '+34600000001' });
        await expectError(await t.post(PATH, { phoneNumber }, token), standard('UNNECESSARY_IDENTIFIER'), op);
      },
    );

    it('@retrieve_sim_swap_date_C02.04_missing_phone_number', async () => {
      await expectError(await retrieveRaw({}), standard('MISSING_IDENTIFIER'), op);
    });

    it('maxAge belongs to check only: an unknown property here', async () => {
      const res = await retrieveRaw({ phoneNumber: '+34600000001', maxAge: 24 });
      await expectError(
        res,
        { status: 400, code: 'INVALID_ARGUMENT', message: 'Unknown property: maxAge.' },
        op,
      );
    });
  });
});

/**
 * In process, on Node: these scenarios move the platform's clock or need a configuration of their
 * own (SIM_SWAP_MONITORED_DAYS), which a Worker started per scenario would make slow for nothing.
 * The manual clock gives the exact date the API writes.
 */
describe('retrieveSimSwapDate: token expiry and the monitored period (in process)', () => {
  async function retrieve(p: TestPlatform, phoneNumber: string): Promise<SimSwapInfo> {
    return expectSuccess<SimSwapInfo>(await post(p.app, PATH, { phoneNumber }, await p.token()), op);
  }
  const ago = (p: TestPlatform, ms: number) => new Date(p.clock.now() - ms).toISOString();

  it.each(LEGS)(
    '@retrieve_sim_swap_date_5_no_sim_swap_or_activation_date_due_to_legal_constrain ($name)',
    async (leg) => {
      const p = await testPlatform({ env: { SIM_SWAP_MONITORED_DAYS: '30' } });
      const answer = async (number: string) =>
        leg.threeLegged
          ? expectSuccess<SimSwapInfo>(
              await post(p.app, PATH, {}, await p.token({ subscriber: number, amr: ['nba'] })),
              op,
            )
          : retrieve(p, number);
      // A swap 60 days ago and an activation 400 days ago lie outside the 30-day window.
      expect(await answer('+34600000009')).toEqual({ latestSimChange: null, monitoredPeriod: 30 });
      expect(await answer('+34600000004')).toEqual({ latestSimChange: null, monitoredPeriod: 30 });
      // Inside the window, the date is disclosed as usual.
      expect(await answer('+34600000014')).toEqual({ latestSimChange: ago(p, 260 * HOUR) });
      expect(await answer('+34600000005')).toEqual({ latestSimChange: ago(p, 2 * DAY) });
    },
  );

  it('@retrieve_sim_swap_date_4_sim_never_associated (with a monitored period: still no monitoredPeriod)', async () => {
    const p = await testPlatform({ env: { SIM_SWAP_MONITORED_DAYS: '30' } });
    expect(await retrieve(p, '+34600000006')).toEqual({ latestSimChange: null });
  });

  it('@retrieve_sim_swap_date_401.2_expired_access_token', async () => {
    const p = await testPlatform();
    const token = await p.token({ subscriber: '+34600000001', amr: ['nba'] });
    expect((await post(p.app, PATH, {}, token)).status).toBe(200); // verified and cached
    p.clock.advance(p.deps.config.accessTokenTtlSeconds * 1000);
    await expectError(await post(p.app, PATH, {}, token), standard('UNAUTHENTICATED'), op);
  });
});
