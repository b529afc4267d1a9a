import type { KycField } from '../../apis/kyc-match/service.js';

/** The KYC Match sandbox records (docs/kyc-match.md) as the TEST-PLAN §6 outlines use them. */

export const FULL = '+34600000010'; // the complete record of the upstream example
export const KANA = '+34600000021';
export const PARTIAL = '+34600000023';

/** Per property: a subscriber whose record holds it, the stored value, and a well-formed other value. */
export const PROPERTIES: Record<KycField, { subscriber: string; match: string; mismatch: string }> = {
  idDocument: { subscriber: FULL, match: '66666666q', mismatch: '12345678A' },
  idDocumentType: { subscriber: FULL, match: 'national_id_card', mismatch: 'passport' },
  idDocumentExpiryDate: { subscriber: FULL, match: '2031-06-30', mismatch: '2030-01-01' },
  name: { subscriber: FULL, match: 'Federica Sanchez Arjona', mismatch: 'Federico Sanchez Arjona' },
  givenName: { subscriber: FULL, match: 'Federica', mismatch: 'Federico' },
  familyName: { subscriber: FULL, match: 'Sanchez Arjona', mismatch: 'Sanches Arjona' },
  nameKanaHankaku: { subscriber: KANA, match: 'ﾔﾏﾀﾞ ﾀﾛｳ', mismatch: 'ﾔﾏﾓﾄ ﾀﾛｳ' },
  nameKanaZenkaku: { subscriber: KANA, match: 'ヤマダ タロウ', mismatch: 'ヤマモト タロウ' },
  middleNames: { subscriber: PARTIAL, match: 'van den', mismatch: 'van der' },
  familyNameAtBirth: { subscriber: FULL, match: 'Sanchez', mismatch: 'Sancho' },
  address: {
    subscriber: FULL,
    match: 'Tokyo-to Chiyoda-ku Iidabashi 3-10-10',
    mismatch: 'Tokyo-to Chiyoda-ku Iidabashi 3-10-11',
  },
  streetName: { subscriber: FULL, match: 'Nicolas Salmeron', mismatch: 'Nicolas Salmeron Alonso' },
  streetNumber: { subscriber: FULL, match: '4', mismatch: '5' },
  postalCode: { subscriber: FULL, match: '1028460', mismatch: '1028461' },
  region: { subscriber: FULL, match: 'Tokyo', mismatch: 'Osaka' },
  locality: { subscriber: FULL, match: 'ZZZZ', mismatch: 'YYYY' },
  country: { subscriber: FULL, match: 'JP', mismatch: 'ES' },
  houseNumberExtension: { subscriber: FULL, match: 'VVVV', mismatch: 'WWWW' },
  birthdate: { subscriber: FULL, match: '1978-08-22', mismatch: '1978-08-23' },
  email: { subscriber: FULL, match: 'abc@example.com', mismatch: 'abd@example.com' },
  gender: { subscriber: FULL, match: 'FEMALE', mismatch: 'MALE' },
  cityOfBirth: { subscriber: FULL, match: 'Madrid', mismatch: 'Malaga' },
  countryOfBirth: { subscriber: FULL, match: 'ES', mismatch: 'FR' },
  nationality: { subscriber: FULL, match: 'ES', mismatch: 'FR' },
};
export const ALL = Object.keys(PROPERTIES) as KycField[];
export const SCORED: KycField[] = [
  'name',
  'givenName',
  'familyName',
  'nameKanaHankaku',
  'nameKanaZenkaku',
  'middleNames',
  'familyNameAtBirth',
  'address',
  'streetName',
  'streetNumber',
  'region',
  'locality',
  'email',
  'cityOfBirth',
];
// The plan's outlines 4 and 5 run over every property but houseNumberExtension.
export const OUTLINE_23 = ALL.filter((p) => p !== 'houseNumberExtension');
