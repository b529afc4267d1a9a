import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRELATOR, expectError, expectSuccess, type Operation } from '../support/camara-assert.js';
import { FULL, KANA, OUTLINE_23, PARTIAL, PROPERTIES, ALL, SCORED } from '../support/kyc-sandbox.js';
import { camaraFacts } from '../support/openapi-schema.js';
import { IDENTITY, startIdentityServer, type IdentityServer } from '../e2e/support/identity.js';
import { ONBOARDING_TARGETS, targetRows } from '../support/targets.js';

/**
 * KYC Match 0.4.0 (TEST-PLAN §6), against the sandbox records documented in docs/kyc-match.md,
 * over a real socket with tokens from the real flows: client credentials (2-legged), JWT-bearer
 * `tel:` and the authorization code flow with network-based authentication (3-legged), for the
 * purpose dpv:IdentityVerification (legal basis: contract). Bodies and errors are checked against
 * the upstream kyc-match.yaml.
 */

const PATH = '/kyc-match/v0.4/match';
const op: Operation = { doc: camaraFacts('kyc-match'), path: '/match', method: 'post' };
const SCOPE = `${IDENTITY} kyc-match:match`;
let s: IdentityServer;
/** The 2-legged token of the test application (KYC Match tokens serve many calls). */
let twoLegged: string;
const match = (body: unknown, token: string | undefined = twoLegged) => s.post(PATH, body, token);

/** 3-legged tokens by JWT-bearer `tel:` (the number is asserted by the client, amr client_asserted). */
let fullToken: string;
let kanaToken: string;

/** The CAMARA common success assertions, the body checked against the upstream KYC_MatchResponse. */
function expectMatch(res: Response): Promise<Record<string, unknown>> {
  return expectSuccess<Record<string, unknown>>(res, op);
}

const error = (status: number, code: string) => ({ status, code });

describe.each(targetRows(ONBOARDING_TARGETS))('KYC Match (%s)', (_name, target) => {
  beforeAll(async () => {
    s = await startIdentityServer(target);
    [twoLegged, fullToken, kanaToken] = await Promise.all([
      s.tokens.clientCredentials(SCOPE),
      s.tokens.jwtBearer(`tel:${FULL}`, SCOPE),
      s.tokens.jwtBearer(`tel:${KANA}`, SCOPE),
    ]);
  });

  afterAll(async () => {
    await s?.close();
  });

  describe('success', () => {
    it('@KYC_Match_1_success_request_response (2-legged, phoneNumber in the body)', async () => {
      const body = await expectMatch(await match({ phoneNumber: FULL, givenName: 'Federica' }));
      expect(body).toEqual({ givenNameMatch: 'true' });
    });

    it('@KYC_Match_1_success_request_response (3-legged, number from the token)', async () => {
      // The authorization code flow; +34600000010's device is 198.51.100.10:40010 (behind CGNAT).
      const t = await s.tokens.authorizationCode(FULL, SCOPE);
      expect((await s.deps.tokens.verify(t)).amr).toEqual(['nba']);
      expect(await expectMatch(await match({ familyName: 'Sanchez Arjona' }, t))).toEqual({
        familyNameMatch: 'true',
      });
    });

    it('@KYC_Match_1_success_request_response (3-legged, the same number in the body)', async () => {
      expect(
        await expectMatch(await match({ phoneNumber: FULL, birthdate: '1978-08-22' }, fullToken)),
      ).toEqual({
        birthdateMatch: 'true',
      });
    });

    it.each(ALL)('@KYC_Match_2_success_specific_property %s', async (property) => {
      const { subscriber, match: value } = PROPERTIES[property];
      const body = await expectMatch(await match({ phoneNumber: subscriber, [property]: value }));
      expect(body).toHaveProperty(`${property}Match`);
      // The response holds only the attributes that were sent.
      expect(Object.keys(body).every((k) => k.startsWith(`${property}Match`))).toBe(true);
    });

    it.each(SCORED)('@KYC_Match_3_success_specific_property_score %s', async (property) => {
      const { subscriber, mismatch } = PROPERTIES[property];
      const body = await expectMatch(await match({ phoneNumber: subscriber, [property]: mismatch }));
      expect(body[`${property}Match`]).toBe('false');
      const score = body[`${property}MatchScore`];
      expect(Number.isInteger(score)).toBe(true);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(99);
    });

    it('@KYC_Match_3_success_specific_property_score: Jaro-Winkler × 100 of the normalised values', async () => {
      // federico / federica: 7 of 8 match, no transposition, prefix 4 → 0.9167 + 0.4 × 0.0833 = 0.95.
      // abd@… / abc@… (15): 14 match → 0.9556, prefix 2 → 0.9644.
      const body = await expectMatch(
        await match({
          phoneNumber: FULL,
          givenName: 'FEDERICO',
          email: 'abd@example.com',
          streetNumber: '5',
        }),
      );
      expect(body).toEqual({
        givenNameMatch: 'false',
        givenNameMatchScore: 95,
        emailMatch: 'false',
        emailMatchScore: 96,
        streetNumberMatch: 'false',
        streetNumberMatchScore: 0,
      });
    });

    it.each(OUTLINE_23)('@KYC_Match_4_perfect_match_no_scores_returned %s', async (property) => {
      const { subscriber, match: value } = PROPERTIES[property];
      const body = await expectMatch(await match({ phoneNumber: subscriber, [property]: value }));
      expect(body).toEqual({ [`${property}Match`]: 'true' });
    });

    it.each(OUTLINE_23)('@KYC_Match_5_success_specific_property_false %s', async (property) => {
      const { subscriber, mismatch } = PROPERTIES[property];
      const body = await expectMatch(await match({ phoneNumber: subscriber, [property]: mismatch }));
      expect(body[`${property}Match`]).toBe('false');
      if (!SCORED.includes(property)) expect(Object.keys(body)).toEqual([`${property}Match`]);
    });

    it('@KYC_Match_6_success_multiple_optional_parameter_combinations (the upstream request example)', async () => {
      const body = await expectMatch(
        await match({
          phoneNumber: FULL,
          idDocument: '66666666q',
          idDocumentType: 'passport',
          idDocumentExpiryDate: '2027-07-12',
          name: 'Federica Sanchez Arjona',
          givenName: 'Federica',
          familyName: 'Sanchez Arjona',
          nameKanaHankaku: 'federica',
          nameKanaZenkaku: 'Ｆｅｄｅｒｉｃａ',
          middleNames: 'Sanchez',
          familyNameAtBirth: 'YYYY',
          address: 'Tokyo-to Chiyoda-ku Iidabashi 3-10-10',
          streetName: 'Nicolas Salmeron',
          streetNumber: '4',
          postalCode: '1028460',
          region: 'Tokyo',
          locality: 'ZZZZ',
          country: 'JP',
          houseNumberExtension: 'VVVV',
          birthdate: '1978-08-22',
          email: 'abc@example.com',
          gender: 'OTHER',
          cityOfBirth: 'Madrid',
          countryOfBirth: 'ES',
          nationality: 'ES',
        }),
      );
      expect(body).toEqual({
        idDocumentMatch: 'true',
        idDocumentTypeMatch: 'false',
        idDocumentExpiryDateMatch: 'false',
        nameMatch: 'true',
        givenNameMatch: 'true',
        familyNameMatch: 'true',
        nameKanaHankakuMatch: 'not_available',
        nameKanaZenkakuMatch: 'not_available',
        middleNamesMatch: 'not_available', // stored empty
        familyNameAtBirthMatch: 'false',
        familyNameAtBirthMatchScore: 0,
        addressMatch: 'true',
        streetNameMatch: 'true',
        streetNumberMatch: 'true',
        postalCodeMatch: 'true',
        regionMatch: 'true',
        localityMatch: 'true',
        countryMatch: 'true',
        houseNumberExtensionMatch: 'true',
        birthdateMatch: 'true',
        emailMatch: 'true',
        genderMatch: 'false',
        cityOfBirthMatch: 'true',
        countryOfBirthMatch: 'true',
        nationalityMatch: 'true',
      });
    });

    it('@KYC_Match_6_success_multiple_optional_parameter_combinations (a partial record)', async () => {
      const body = await expectMatch(
        await match({ phoneNumber: PARTIAL, givenName: 'maria', email: 'maria@example.nl', country: 'NL' }),
      );
      expect(body).toEqual({
        givenNameMatch: 'true',
        emailMatch: 'not_available',
        countryMatch: 'not_available',
      });
    });
  });

  describe('errors', () => {
    // The Worker's clock cannot be moved: expiry is proven on Node.
    if (target.runtime === 'node')
      it('@KYC_Match_401.1_expired_access_token', async () => {
        const expiring = await s.tokens.clientCredentials(SCOPE); // ACCESS_TOKEN_TTL_SECONDS: 600
        const body = { phoneNumber: FULL, givenName: 'Federica' };
        expect((await match(body, expiring)).status).toBe(200);
        const res = await s.later(601_000, () => match(body, expiring));
        await expectError(res, error(401, 'UNAUTHENTICATED'), op);
      });

    it('@KYC_Match_401.2_invalid_access_token', async () => {
      const [header, payload, signature] = twoLegged.split('.') as [string, string, string];
      const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      await expectError(
        await match({ phoneNumber: FULL, name: 'x' }, tampered),
        error(401, 'UNAUTHENTICATED'),
        op,
      );
    });

    it('@KYC_Match_401.3_no_header_authorization', async () => {
      const res = await s.post(PATH, { phoneNumber: FULL, name: 'x' }, undefined);
      await expectError(res, error(401, 'UNAUTHENTICATED'), op);
    });

    it('@KYC_Match_400.1_no_request_body', async () => {
      const res = await fetch(`${s.url}${PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${twoLegged}`, 'x-correlator': CORRELATOR },
      });
      await expectError(res, error(400, 'INVALID_ARGUMENT'), op);
    });

    it('@KYC_Match_400.2_empty_request_body (2-legged and 3-legged)', async () => {
      await expectError(await match({}), error(400, 'INVALID_ARGUMENT'), op);
      await expectError(await match({}, fullToken), error(400, 'INVALID_ARGUMENT'), op);
    });

    it.each([
      ['an unknown property', { phoneNumber: FULL, name: 'x', nickname: 'Fede' }],
      ['gender outside the enum', { phoneNumber: FULL, gender: 'female' }],
      ['idDocumentType outside the enum', { phoneNumber: FULL, idDocumentType: 'passport_card' }],
      ['birthdate not a date', { phoneNumber: FULL, birthdate: '22/08/1978' }],
      ['birthdate not a calendar day', { phoneNumber: FULL, birthdate: '1978-02-30' }],
      ['email not an address', { phoneNumber: FULL, email: 'abc.example.com' }],
      ['name not a string', { phoneNumber: FULL, name: 42 }],
    ])('@KYC_Match_400.3_invalid_argument: %s', async (_, body) => {
      await expectError(await match(body), error(400, 'INVALID_ARGUMENT'), op);
    });

    it('@KYC_Match_10_invalid_param_combination (2-legged and 3-legged)', async () => {
      const combination = error(400, 'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION');
      await expectError(await match({ phoneNumber: FULL }), combination, op);
      await expectError(await match({ phoneNumber: FULL }, fullToken), combination, op);
    });

    it('@KYC_Match_11_phone_number_provided_does_not_match_the_token', async () => {
      const context = error(403, 'INVALID_TOKEN_CONTEXT');
      await expectError(await match({ phoneNumber: FULL, name: 'x' }, kanaToken), context, op);
      // The identifier is checked before the parameter combination (SPEC-DIGEST §8.3).
      await expectError(await match({ phoneNumber: FULL }, kanaToken), context, op);
    });

    it.each(['34600000010', '+0034600000010', '+34 600 000 010', '+3460'])(
      '@KYC_Match_C02.01_phone_number_not_schema_compliant %s',
      async (phoneNumber) => {
        await expectError(await match({ phoneNumber, name: 'x' }), error(400, 'INVALID_ARGUMENT'), op);
      },
    );

    it('@KYC_Match_C02.02_phone_number_not_found', async () => {
      const res = await match({ phoneNumber: '+34699999999', name: 'x' });
      await expectError(res, error(404, 'IDENTIFIER_NOT_FOUND'), op);
    });

    it('@KYC_Match_C02.04_missing_phone_number', async () => {
      await expectError(
        await match({ name: 'Federica Sanchez Arjona' }),
        error(422, 'MISSING_IDENTIFIER'),
        op,
      );
    });

    it('@KYC_Match_C02.05_phone_number_not_supported', async () => {
      // +34600000007 is an IoT line: no CAMARA API applies.
      const res = await match({ phoneNumber: '+34600000007', name: 'x' });
      await expectError(res, error(422, 'SERVICE_NOT_APPLICABLE'), op);
    });

    it('403 PERMISSION_DENIED without the kyc-match:match scope, before the identifier checks', async () => {
      const t = await s.tokens.clientCredentials('dpv:FraudPreventionAndDetection sim-swap:check');
      await expectError(await match({ name: 'x' }, t), error(403, 'PERMISSION_DENIED'), op);
    });
  });
});
