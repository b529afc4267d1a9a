import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidTokens } from '../support/bad-tokens.js';
import { post, testPlatform, type TestPlatform } from '../support/app.js';
import { expectError, expectSuccess, standard, type Operation } from '../support/camara-assert.js';
import { camaraFacts } from '../support/openapi-schema.js';
import { startSimSwapTarget, type SimSwapTarget } from '../support/sim-swap-target.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * TEST-PLAN §1: checkSimSwap (POST /sim-swap/v2/check), sandbox numbers of docs/sandbox.md, over
 * HTTP on every target (Node and the Worker) with tokens from the real flows; the scenarios that
 * need the manual clock or their own configuration run in process below.
 */

const PATH = '/sim-swap/v2/check';
const op: Operation = { doc: camaraFacts('sim-swap'), path: '/check', method: 'post' };

type Body = { maxAge?: unknown };
type Leg = { name: string; threeLegged: boolean };

/** "valid phone number (from the token or in the body)": every success scenario runs both ways. */
const LEGS: Leg[] = [
  { name: '2-legged, phoneNumber in the body', threeLegged: false },
  { name: '3-legged, body without phoneNumber', threeLegged: true },
];

/** Sandbox subscribers whose only SIM change was exactly `hours` ago. */
const SWAPPED_HOURS_AGO: Record<number, string> = {
  2: '+34600000001',
  12: '+34600000011',
  24: '+34600000012',
  30: '+34600000010',
  100: '+34600000002',
  120: '+34600000013',
  260: '+34600000014',
  300: '+34600000003',
};
const OUTLINE = [260, 120, 24, 12];
const NEVER_SWAPPED = '+34600000004'; // activated 400 days ago

describe.each(targetRows(ONBOARDING_TARGETS))('checkSimSwap (%s)', (_name, target) => {
  let t: SimSwapTarget;
  beforeAll(async () => {
    t = await startSimSwapTarget(target);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function call(leg: Leg, phoneNumber: string, body: Body = {}, scopes?: string[]) {
    if (!leg.threeLegged) return t.post(PATH, { phoneNumber, ...body }, await t.token({ scopes }));
    return t.post(PATH, body, await t.token({ subscriber: phoneNumber, scopes }));
  }

  async function swapped(leg: Leg, phoneNumber: string, body?: Body): Promise<boolean> {
    return (await expectSuccess<{ swapped: boolean }>(await call(leg, phoneNumber, body), op)).swapped;
  }

  const check = async (body: unknown) => t.post(PATH, body, await t.token());

  describe.each(LEGS)('$name', (leg) => {
    it('@check_sim_swap_1_generic_success_scenario', async () => {
      const body = await expectSuccess<{ swapped: boolean }>(await call(leg, '+34600000001'), op);
      expect(body).toEqual({ swapped: true });
    });

    it.each(['+34600000001', '+34600000002'])(
      '@check_sim_swap_2_valid_sim_swap_no_max_age (%s)',
      async (n) => {
        expect(await swapped(leg, n)).toBe(true);
      },
    );

    it.each(OUTLINE)('@check_sim_swap_3_valid_sim_swap_max_age (hours=%i)', async (hours) => {
      const number = SWAPPED_HOURS_AGO[hours] as string;
      expect(await swapped(leg, number, { maxAge: hours })).toBe(true); // the boundary is inside
      expect(await swapped(leg, number, { maxAge: 2400 })).toBe(true);
    });

    it.each(['+34600000003', '+34600000014'])('@check_sim_swap_4_more_than_240_hours (%s)', async (n) => {
      expect(await swapped(leg, n)).toBe(false);
    });

    it.each(Object.entries(SWAPPED_HOURS_AGO).map(([h, n]) => [Number(h), n] as const))(
      '@check_sim_swap_5_out_of_max_age (swapped %i h ago)',
      async (hours, number) => {
        expect(await swapped(leg, number, { maxAge: hours - 1 })).toBe(false);
        expect(await swapped(leg, number, { maxAge: hours })).toBe(true);
      },
    );

    it('@check_sim_swap_6_no_sim_swap_no_max_age', async () => {
      expect(await swapped(leg, NEVER_SWAPPED)).toBe(false);
    });

    it.each(OUTLINE)('@check_sim_swap_7_no_sim_swap_with_max_age (hours=%i)', async (hours) => {
      expect(await swapped(leg, NEVER_SWAPPED, { maxAge: hours - 1 })).toBe(false);
      expect(await swapped(leg, '+34600000003', { maxAge: hours - 1 })).toBe(false);
      expect(await swapped(leg, NEVER_SWAPPED, { maxAge: 2400 })).toBe(false);
    });

    it('a new subscription counts as a SIM swap (activated 48 h ago)', async () => {
      expect(await swapped(leg, '+34600000005', {})).toBe(true);
      expect(await swapped(leg, '+34600000005', { maxAge: 48 })).toBe(true);
      expect(await swapped(leg, '+34600000005', { maxAge: 47 })).toBe(false);
    });

    it('the sim-swap API-level scope is accepted', async () => {
      const res = await call(leg, '+34600000001', {}, ['sim-swap']);
      expect(await expectSuccess(res, op)).toEqual({ swapped: true });
    });

    it('403 PERMISSION_DENIED for a token without sim-swap:check or sim-swap', async () => {
      const res = await call(leg, '+34600000001', {}, ['sim-swap:retrieve-date']);
      await expectError(res, standard('PERMISSION_DENIED'), op);
    });

    it('@check_sim_swap_C02.05_phone_number_not_supported (IoT line, line excluded from SIM Swap)', async () => {
      for (const number of ['+34600000007', '+34600000008']) {
        await expectError(await call(leg, number), standard('SERVICE_NOT_APPLICABLE'), op);
      }
    });
  });

  describe('sandbox corner cases', () => {
    it('a number never associated with a SIM was not swapped', async () => {
      expect(await swapped(LEGS[0] as Leg, '+34600000006')).toBe(false);
    });
  });

  describe('authentication', () => {
    it('@check_sim_swap_401.1_no_authorization_header', async () => {
      const res = await t.post(PATH, { phoneNumber: '+34600000001' }, undefined);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara"');
      await expectError(res, standard('UNAUTHENTICATED'), op);
    });

    it.each(['Basic ZGVtby1hcHA6c2VjcmV0', 'Bearer', 'Bearer ', 'Token abc'])(
      '@check_sim_swap_401.1_no_authorization_header (no bearer credentials: %s)',
      async (authorization) => {
        const res = await t.post(PATH, { phoneNumber: '+34600000001' }, undefined, { authorization });
        await expectError(res, standard('UNAUTHENTICATED'), op);
      },
    );

    it('@check_sim_swap_401.3_invalid_access_token', async () => {
      const { deps, clock } = t.server;
      for (const [label, token] of await invalidTokens({ token: () => t.token(), deps, clock })) {
        const res = await t.post(PATH, { phoneNumber: '+34600000001' }, token);
        expect({ label, status: res.status }).toEqual({ label, status: 401 });
        await expectError(res, standard('UNAUTHENTICATED'), op);
      }
    });

    it('the Bearer scheme is case-insensitive (RFC 9110 §11.1)', async () => {
      const res = await t.post(PATH, { phoneNumber: '+34600000001' }, undefined, {
        authorization: `bearer ${await t.token()}`,
      });
      expect(await expectSuccess(res, op)).toEqual({ swapped: true });
    });
  });

  describe('request validation', () => {
    it.each([
      ['"240"', '240'],
      ['1.5', 1.5],
      ['true', true],
      ['null', null],
      ['[240]', [240]],
      ['{}', {}],
    ])('@check_sim_swap_400.1_invalid_max_age (maxAge=%s)', async (_label, maxAge) => {
      const res = await check({ phoneNumber: '+34600000001', maxAge });
      await expectError(res, { status: 400, code: 'INVALID_ARGUMENT', message: /^maxAge: / }, op);
    });

    it.each([100000, 2401])('@check_sim_swap_400.2_invalid_max_age_value (maxAge=%i)', async (maxAge) => {
      const res = await check({ phoneNumber: '+34600000001', maxAge });
      await expectError(res, { status: 400, code: 'OUT_OF_RANGE', message: /^maxAge: / }, op);
    });

    // TEST-PLAN §1 note: no official test covers 0 or negatives; they break the same schema bound.
    it.each([0, -1, -240])('maxAge below the schema minimum (%i) is 400 OUT_OF_RANGE', async (maxAge) => {
      const res = await check({ phoneNumber: '+34600000001', maxAge });
      await expectError(res, { status: 400, code: 'OUT_OF_RANGE', message: /^maxAge: / }, op);
    });

    it.each([
      '34600000001',
      '+0123456789',
      '+3460000000100000',
      '+3460',
      '+34 600 000 001',
      'tel:+34600000001',
      '',
      34600000001,
      null,
    ])('@check_sim_swap_C02.01_phone_number_not_schema_compliant (%j)', async (phoneNumber) => {
      const res = await check({ phoneNumber });
      await expectError(res, { status: 400, code: 'INVALID_ARGUMENT', message: /^phoneNumber/ }, op);
    });

    it('@check_sim_swap_C02.02_phone_number_not_found', async () => {
      await expectError(await check({ phoneNumber: '+34699999999' }), standard('IDENTIFIER_NOT_FOUND'), op);
    });

    it.each(['+34600000001', '+34600000003'])(
      '@check_sim_swap_C02.03_unnecessary_phone_number (body %s, token +34600000001)',
      async (phoneNumber) => {
        const token = await t.token({ subscriber: '+34600000001' });
        const res = await t.post(PATH, { phoneNumber, maxAge: 240 }, token);
        await expectError(res, standard('UNNECESSARY_IDENTIFIER'), op);
      },
    );

    it.each([{}, { maxAge: 24 }])('@check_sim_swap_C02.04_missing_phone_number (body %j)', async (body) => {
      await expectError(await check(body), standard('MISSING_IDENTIFIER'), op);
    });
  });
});

/**
 * In process, on Node: these scenarios move the platform's clock or need a configuration of their
 * own (one platform each), which a Worker started per scenario would make slow for nothing.
 */
describe('checkSimSwap: token expiry and market caps (in process)', () => {
  const check = async (body: unknown, p?: TestPlatform) => {
    const platform = p ?? (await testPlatform());
    return post(platform.app, PATH, body, await platform.token());
  };

  it('@check_sim_swap_401.2_expired_access_token', async () => {
    const p = await testPlatform();
    const token = await p.token();
    const ttl = p.deps.config.accessTokenTtlSeconds;
    p.clock.advance((ttl - 1) * 1000); // still valid, and now in the verified-token cache
    expect((await post(p.app, PATH, { phoneNumber: '+34600000001' }, token)).status).toBe(200);
    p.clock.advance(1000); // RFC 7519 §4.1.4: not accepted on or after exp
    const res = await post(p.app, PATH, { phoneNumber: '+34600000001' }, token);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    await expectError(res, standard('UNAUTHENTICATED'), op);
  });

  it.each([
    ['SIM_SWAP_MONITORED_DAYS=30', { SIM_SWAP_MONITORED_DAYS: '30' }, 720],
    ['SIM_SWAP_MAX_AGE_CAP_HOURS=500', { SIM_SWAP_MAX_AGE_CAP_HOURS: '500' }, 500],
    [
      'both: the lower limit wins',
      { SIM_SWAP_MAX_AGE_CAP_HOURS: '1000', SIM_SWAP_MONITORED_DAYS: '20' },
      480,
    ],
  ])('@check_sim_swap_400.3_max_age_out_of_monitored_period (%s)', async (_label, env, limit) => {
    const p = await testPlatform({ env });
    const message = `Check monitor period could not exceed local regulations (${limit} hours).`;
    const over = await check({ phoneNumber: '+34600000014', maxAge: limit + 1 }, p);
    await expectError(over, { status: 400, code: 'OUT_OF_RANGE', message }, op);
    expect(await expectSuccess(await check({ phoneNumber: '+34600000014', maxAge: limit }, p), op)).toEqual({
      swapped: true,
    });
  });

  it('@check_sim_swap_400.3_max_age_out_of_monitored_period is a body check, answered before the lookup', async () => {
    const p = await testPlatform({ env: { SIM_SWAP_MONITORED_DAYS: '30' } });
    const expected = { status: 400, code: 'OUT_OF_RANGE', message: /\(720 hours\)/ };
    await expectError(await check({ phoneNumber: '+34699999999', maxAge: 721 }, p), expected, op);
    const threeLegged = await p.token({ subscriber: '+34600000001', amr: ['nba'] });
    await expectError(await post(p.app, PATH, { maxAge: 721 }, threeLegged), expected, op);
  });

  it('a market cap below the default 240 h refuses a request without maxAge, naming the limit', async () => {
    const p = await testPlatform({ env: { SIM_SWAP_MAX_AGE_CAP_HOURS: '120' } });
    const message = 'Check monitor period could not exceed local regulations (120 hours).';
    await expectError(
      await check({ phoneNumber: '+34600000001' }, p),
      { status: 400, code: 'OUT_OF_RANGE', message },
      op,
    );
    expect(await expectSuccess(await check({ phoneNumber: '+34600000001', maxAge: 120 }, p), op)).toEqual({
      swapped: true,
    });
  });
});
