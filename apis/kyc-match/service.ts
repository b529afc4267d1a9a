import { assertKycFieldsAllowed } from '../../src/privacy/policies.js';
import type { KycAttribute, KycRecord } from '../../src/network/port.js';
import { KYC_ERRORS, kycError } from './errors.js';
import { jaroWinkler } from './jaro-winkler.js';
import { normalise, type Comparison } from './normalise.js';

/**
 * KYC Match 0.4.0 business rules (SPEC-DIGEST §5, DESIGN §3). Pure: no HTTP, no storage.
 * The comparison rules are published in docs/kyc-match.md.
 */

export type KycField = KycAttribute;

/** Every attribute of KYC_MatchRequestBody besides phoneNumber, in the order of the spec. */
export const KYC_FIELDS = {
  idDocument: { comparison: 'identifier', scored: false },
  idDocumentType: { comparison: 'exact', scored: false },
  idDocumentExpiryDate: { comparison: 'exact', scored: false },
  name: { comparison: 'text', scored: true },
  givenName: { comparison: 'text', scored: true },
  familyName: { comparison: 'text', scored: true },
  nameKanaHankaku: { comparison: 'kana', scored: true },
  nameKanaZenkaku: { comparison: 'kana', scored: true },
  middleNames: { comparison: 'text', scored: true },
  familyNameAtBirth: { comparison: 'text', scored: true },
  address: { comparison: 'text', scored: true },
  streetName: { comparison: 'text', scored: true },
  streetNumber: { comparison: 'text', scored: true },
  postalCode: { comparison: 'identifier', scored: false },
  region: { comparison: 'text', scored: true },
  locality: { comparison: 'text', scored: true },
  country: { comparison: 'country', scored: false },
  houseNumberExtension: { comparison: 'identifier', scored: false },
  birthdate: { comparison: 'exact', scored: false },
  email: { comparison: 'email', scored: true },
  gender: { comparison: 'exact', scored: false },
  cityOfBirth: { comparison: 'text', scored: true },
  countryOfBirth: { comparison: 'country', scored: false },
  nationality: { comparison: 'country', scored: false },
} as const satisfies Record<KycField, { comparison: Comparison; scored: boolean }>;

const FIELD_NAMES = Object.keys(KYC_FIELDS) as KycField[];

export type KycMatchRequest = { phoneNumber?: string | undefined } & Partial<Record<KycField, string>>;

export type MatchResult = 'true' | 'false' | 'not_available';

/** `<field>Match` for every field sent, `<field>MatchScore` beside some of the false ones. */
export type KycMatchResponse = Partial<Record<`${KycField}Match`, MatchResult>> &
  Partial<Record<`${KycField}MatchScore`, number>>;

/** What the operator and the declared purpose allow. */
export type KycMatchPolicy = {
  /** The operator's second-level validation: idDocument must be sent and must match (403). */
  idDocumentRequired: boolean;
  /** Return scores for false matches (optional in CAMARA; omitted when off). */
  scores: boolean;
  /**
   * Purpose-based data minimisation: the fields this purpose may verify; a request with any other
   * field is refused with 403 PERMISSION_DENIED naming nothing. Undefined: every field.
   */
  verifiableFields?: ReadonlySet<KycField> | undefined;
};

/** The fields of the request to match, phoneNumber aside. */
export function requestedFields(request: KycMatchRequest): KycField[] {
  return FIELD_NAMES.filter((field) => request[field] !== undefined);
}

/** "at least one of the other fields must be provided" besides phoneNumber (kyc-match.yaml /match). */
export function checkParamCombination(request: KycMatchRequest): void {
  if (requestedFields(request).length === 0) throw kycError(KYC_ERRORS.invalidParamCombination);
}

/**
 * Second-level validation, "done before proceeding with the match check of the rest of the
 * properties". A record without an idDocument cannot confirm the one sent: mismatch (fail closed).
 */
export function checkIdDocument(request: KycMatchRequest, record: KycRecord, policy: KycMatchPolicy): void {
  if (!policy.idDocumentRequired) return;
  if (request.idDocument === undefined) throw kycError(KYC_ERRORS.idDocumentRequired);
  const stored = record.idDocument;
  const comparison = KYC_FIELDS.idDocument.comparison;
  if (stored === undefined || normalise(stored, comparison) !== normalise(request.idDocument, comparison)) {
    throw kycError(KYC_ERRORS.idDocumentMismatch);
  }
}

/** Similarity × 100 as an integer, capped at 99: a score of 100 is a "true" match, never a score. */
export function matchScore(given: string, stored: string): number {
  return Math.min(99, Math.round(jaroWinkler(given, stored) * 100));
}

function compare(
  field: KycField,
  given: string,
  stored: string | undefined,
  policy: KycMatchPolicy,
): { match: MatchResult; score?: number } {
  if (stored === undefined || stored.trim() === '') return { match: 'not_available' };
  const { comparison, scored } = KYC_FIELDS[field];
  const a = normalise(given, comparison);
  const b = normalise(stored, comparison);
  if (a === b) return { match: 'true' };
  return scored && policy.scores ? { match: 'false', score: matchScore(a, b) } : { match: 'false' };
}

/**
 * The KYC_MatchResponse: exactly one `<field>Match` per field sent, `not_available` when the
 * operator's record lacks the attribute, and a score only beside a scored field's "false".
 */
export function matchKyc(
  request: KycMatchRequest,
  record: KycRecord | undefined,
  policy: KycMatchPolicy,
): KycMatchResponse {
  if (policy.verifiableFields !== undefined) {
    // DESIGN §2 step 9: a field outside the purpose's policy is refused, not answered.
    assertKycFieldsAllowed({ fields: [...policy.verifiableFields] }, request);
  }
  checkIdDocument(request, record ?? {}, policy);
  const response: Record<string, string | number> = {};
  for (const field of requestedFields(request)) {
    const { match, score } = compare(field, request[field] as string, record?.[field], policy);
    response[`${field}Match`] = match;
    if (score !== undefined) response[`${field}MatchScore`] = score;
  }
  return response as KycMatchResponse;
}
