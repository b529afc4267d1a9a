import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO, post, testPlatform, type TestPlatform } from '../support/app.js';
import { clientCredentialsToken } from '../e2e/support/oauth.js';

/** The demo application's 2-legged KYC Match scope (client credentials, in process). */
const SCOPE = 'dpv:IdentityVerification kyc-match:match';

/** The published comparison rules (docs/kyc-match.md) on the sandbox records, through the API. */

const PATH = '/kyc-match/v0.4/match';
let platform: TestPlatform;

async function match(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const token = await clientCredentialsToken(platform.app, DEMO, SCOPE);
  const res = await post(platform.app, PATH, body, token);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

beforeEach(async () => {
  platform = await testPlatform();
});

describe('KYC Match normalisation', () => {
  it('folds accents, case and spacing (+34600000022)', async () => {
    expect(
      await match({
        phoneNumber: '+34600000022',
        name: '  JOSE   ANGEL nunez pena ',
        givenName: 'José Ángel',
        cityOfBirth: 'a coruna',
        streetName: 'PRINCIPE DE VERGARA',
        email: 'joseangel.nunez@EXAMPLE.ES',
        houseNumberExtension: '4º B',
        country: 'es',
      }),
    ).toEqual({
      nameMatch: 'true',
      givenNameMatch: 'true',
      cityOfBirthMatch: 'true',
      streetNameMatch: 'true',
      emailMatch: 'true',
      houseNumberExtensionMatch: 'true',
      countryMatch: 'true',
    });
  });

  it('compares e-mail addresses case-insensitively but keeps dots, and dates exactly', async () => {
    const body = await match({
      phoneNumber: '+34600000022',
      email: 'jose.angel.nunez@example.es',
      birthdate: '1990-02-27',
    });
    expect(body).toMatchObject({ emailMatch: 'false', birthdateMatch: 'false' });
  });

  it('reads kana in either width and hiragana as katakana, keeping voicing marks (+34600000021)', async () => {
    expect(
      await match({
        phoneNumber: '+34600000021',
        nameKanaHankaku: 'ヤマダ・タロウ',
        nameKanaZenkaku: 'やまだ　たろう',
        name: '山田　太郎',
        postalCode: '１０２８４６０',
      }),
    ).toEqual({
      nameKanaHankakuMatch: 'true',
      nameKanaZenkakuMatch: 'true',
      nameMatch: 'true',
      postalCodeMatch: 'true',
    });
    // ダ is not タ: the voicing mark is part of the reading, not an accent.
    const voiceless = await match({ phoneNumber: '+34600000021', nameKanaZenkaku: 'ヤマタ タロウ' });
    expect(voiceless.nameKanaZenkakuMatch).toBe('false');
    // 6 of 7 match with one transposition, prefix 2: 0.8492 + 0.2 × 0.1508 = 0.8794.
    expect(voiceless.nameKanaZenkakuMatchScore).toBe(88);
  });

  it('answers not_available for every attribute of a line without a KYC record (+34600000001)', async () => {
    expect(await match({ phoneNumber: '+34600000001', name: 'x', birthdate: '2000-01-01' })).toEqual({
      nameMatch: 'not_available',
      birthdateMatch: 'not_available',
    });
  });

  it('omits scores when the operator turns them off (KYC_MATCH_SCORES=false)', async () => {
    platform = await testPlatform({ env: { KYC_MATCH_SCORES: 'false' } });
    expect(await match({ phoneNumber: '+34600000010', givenName: 'Federico' })).toEqual({
      givenNameMatch: 'false',
    });
  });
});
