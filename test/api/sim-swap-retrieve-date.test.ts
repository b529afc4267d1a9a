import { describe, expect, it } from 'vitest';
import { invalidTokens } from '../support/bad-tokens.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { expectError, expectSuccess, standard, type Operation } from '../support/camara-assert.js';
import { isRfc3339DateTime, camaraFacts } from '../support/openapi-schema.js';

/** TEST-PLAN §2: retrieveSimSwapDate (POST /sim-swap/v2/retrieve-date), numbers of docs/sandbox.md. */

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

async function call(p: TestPlatform, leg: Leg, phoneNumber: string, scopes?: string[]) {
  const grant = scopes === undefined ? {} : { scopes };
  if (!leg.threeLegged) return post(p.app, PATH, { phoneNumber }, await p.token(grant));
  return post(p.app, PATH, {}, await p.token({ ...grant, subscriber: phoneNumber, amr: ['nba'] }));
}

async function retrieve(p: TestPlatform, leg: Leg, phoneNumber: string): Promise<SimSwapInfo> {
  return expectSuccess<SimSwapInfo>(await call(p, leg, phoneNumber), op);
}

/** The platform's ManualClock minus `ms`, as the API writes it. */
const ago = (p: TestPlatform, ms: number) => new Date(p.clock.now() - ms).toISOString();

describe.each(LEGS)('retrieveSimSwapDate, $name', (leg) => {
  it('@retrieve_sim_swap_date_1_generic_success_scenario', async () => {
    const p = await testPlatform();
    expect(await retrieve(p, leg, '+34600000001')).toEqual({ latestSimChange: ago(p, 2 * HOUR) });
  });

  it.each([
    ['+34600000001', 2],
    ['+34600000002', 100], // two changes: the latest one is returned
    ['+34600000003', 300],
    ['+34600000009', 1440],
  ])('@retrieve_sim_swap_date_2_valid_sim_swap (%s)', async (number, hours) => {
    const p = await testPlatform();
    const body = await retrieve(p, leg, number);
    expect(typeof body.latestSimChange).toBe('string');
    // RFC 3339 §5.6 with a time zone, as SimSwapInfo.latestSimChange requires.
    expect(isRfc3339DateTime(body.latestSimChange as string)).toBe(true);
    expect(body).toEqual({ latestSimChange: ago(p, hours * HOUR) });
  });

  it.each([
    ['+34600000004', 400],
    ['+34600000005', 2],
  ])(
    '@retrieve_sim_swap_date_3_no_sim_swap_returns_activation_date (%s, activated %i days ago)',
    async (number, days) => {
      const p = await testPlatform(); // no SIM_SWAP_MONITORED_DAYS: unlimited monitoring
      expect(p.deps.config.simSwap.monitoredDays).toBeUndefined();
      expect(await retrieve(p, leg, number)).toEqual({ latestSimChange: ago(p, days * DAY) });
    },
  );

  it('@retrieve_sim_swap_date_5_no_sim_swap_or_activation_date_due_to_legal_constrain', async () => {
    const p = await testPlatform({ env: { SIM_SWAP_MONITORED_DAYS: '30' } });
    // A swap 60 days ago and an activation 400 days ago lie outside the 30-day window.
    expect(await retrieve(p, leg, '+34600000009')).toEqual({ latestSimChange: null, monitoredPeriod: 30 });
    expect(await retrieve(p, leg, '+34600000004')).toEqual({ latestSimChange: null, monitoredPeriod: 30 });
    // Inside the window, the date is disclosed as usual.
    expect(await retrieve(p, leg, '+34600000014')).toEqual({ latestSimChange: ago(p, 260 * HOUR) });
    expect(await retrieve(p, leg, '+34600000005')).toEqual({ latestSimChange: ago(p, 2 * DAY) });
  });

  it('the sim-swap API-level scope is accepted', async () => {
    const p = await testPlatform();
    const body = await expectSuccess(await call(p, leg, '+34600000001', ['sim-swap']), op);
    expect(body).toEqual({ latestSimChange: ago(p, 2 * HOUR) });
  });

  it('403 PERMISSION_DENIED for a token without sim-swap:retrieve-date or sim-swap', async () => {
    const res = await call(await testPlatform(), leg, '+34600000001', ['sim-swap:check']);
    await expectError(res, standard('PERMISSION_DENIED'), op);
  });

  it('@retrieve_sim_swap_date_C02.05_phone_number_not_supported (IoT line, line excluded from SIM Swap)', async () => {
    const p = await testPlatform();
    for (const number of ['+34600000007', '+34600000008']) {
      await expectError(await call(p, leg, number), standard('SERVICE_NOT_APPLICABLE'), op);
    }
  });
});

describe('retrieveSimSwapDate: numbers never associated with a SIM', () => {
  it('@retrieve_sim_swap_date_4_sim_never_associated', async () => {
    const p = await testPlatform();
    expect(await retrieve(p, LEGS[0] as Leg, '+34600000006')).toEqual({ latestSimChange: null });
  });

  it('@retrieve_sim_swap_date_4_sim_never_associated (with a monitored period: still no monitoredPeriod)', async () => {
    const p = await testPlatform({ env: { SIM_SWAP_MONITORED_DAYS: '30' } });
    expect(await retrieve(p, LEGS[0] as Leg, '+34600000006')).toEqual({ latestSimChange: null });
  });
});

describe('retrieveSimSwapDate: authentication', () => {
  it('@retrieve_sim_swap_date_401.1_no_authorization_header', async () => {
    const p = await testPlatform();
    const res = await post(p.app, PATH, { phoneNumber: '+34600000001' }, undefined);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara"');
    await expectError(res, standard('UNAUTHENTICATED'), op);
  });

  it('@retrieve_sim_swap_date_401.2_expired_access_token', async () => {
    const p = await testPlatform();
    const token = await p.token({ subscriber: '+34600000001', amr: ['nba'] });
    expect((await post(p.app, PATH, {}, token)).status).toBe(200); // verified and cached
    p.clock.advance(p.deps.config.accessTokenTtlSeconds * 1000);
    await expectError(await post(p.app, PATH, {}, token), standard('UNAUTHENTICATED'), op);
  });

  it('@retrieve_sim_swap_date_401.3_invalid_access_token', async () => {
    const p = await testPlatform();
    for (const [label, token] of await invalidTokens(p)) {
      const res = await post(p.app, PATH, { phoneNumber: '+34600000001' }, token);
      expect({ label, status: res.status }).toEqual({ label, status: 401 });
      await expectError(res, standard('UNAUTHENTICATED'), op);
    }
  });
});

describe('retrieveSimSwapDate: request validation', () => {
  const retrieveRaw = async (body: unknown) => {
    const p = await testPlatform();
    return post(p.app, PATH, body, await p.token());
  };

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
      const p = await testPlatform();
      const token = await p.token({ subscriber: '+34600000001', amr: ['nba'] });
      await expectError(
        await post(p.app, PATH, { phoneNumber }, token),
        standard('UNNECESSARY_IDENTIFIER'),
        op,
      );
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
