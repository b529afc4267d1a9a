import { createRoute, z } from '@hono/zod-openapi';
import { correlatorHeader, errorResponse, jsonResponse, PHONE_NUMBER_PATTERN } from '../common/schemas.js';
import { KYC_ERRORS } from './errors.js';

/**
 * KYC Match 0.4.0 operation, schemas and documented errors, as in kyc-match.yaml (component
 * names, descriptions, enums, formats and the error codes of each status). The request body is
 * strict (unknown properties → 400 INVALID_ARGUMENT, SPEC-DIGEST §8.7) and `{}` is refused
 * there too (TEST-PLAN @KYC_Match_400.2_empty_request_body).
 */

const str = (description: string) => z.string().optional().openapi({ description });
const date = (description: string) => z.iso.date().optional().openapi({ description });

export const KYC_MatchRequestBody = z
  .strictObject({
    phoneNumber: z.string().regex(PHONE_NUMBER_PATTERN).optional().openapi({
      description:
        "A public identifier addressing a telephone subscription. In mobile networks it corresponds to the MSISDN (Mobile Station International Subscriber Directory Number). In order to be globally unique it has to be formatted in international format, according to E.164 standard, prefixed with '+'.",
      example: '+123456789',
    }),
    idDocument: str(
      'Id number associated to the official identity document in the country. It may contain alphanumeric characters.',
    ),
    idDocumentType: z
      .enum([
        'passport',
        'national_id_card',
        'residence_permit',
        'diplomatic_id',
        'driver_licence',
        'social_security_id',
        'other',
      ])
      .optional()
      .openapi({ description: 'Type of the official identity document provided.' }),
    idDocumentExpiryDate: date('Expiration date of the identity document (ISO 8601).'),
    name: str(
      'Complete name of the customer, usually composed of first/given name and last/family/sur- name in a country.  Depending on the country, the order of first/give name and last/family/sur- name varies, and middle name could be included.  It can use givenName, middleNames, familyName and/or familyNameAtBirth. For example, in ESP, name+familyName; in NLD, it can be name+middleNames+familyName or name+middleNames+familyNameAtBirth, etc.',
    ),
    givenName: str('First/given name or compound first/given name of the customer.'),
    familyName: str('Last name, family name, or surname of the customer.'),
    nameKanaHankaku: str('Complete name of the customer in Hankaku-Kana format (reading of name) for Japan.'),
    nameKanaZenkaku: str('Complete name of the customer in Zenkaku-Kana format (reading of name) for Japan.'),
    middleNames: str('Middle name/s of the customer.'),
    familyNameAtBirth: str('Last/family/sur- name at birth of the customer.'),
    address: str(
      'Complete address of the customer.  For some countries, it is built following the usual concatenation of parameters in a country, but for other countries, this is not the case.  For some countries, it can use streetName, streetNumber and/or houseNumberExtension. For example, in ESP, streetName+streetNumber; in NLD, it can be streetName+streetNumber or streetName+streetNumber+houseNumberExtension.',
    ),
    streetName: str(
      "Name of the street of the customer's address. It should not include the type of the street.",
    ),
    streetNumber: str(
      "The street number of the customer's address.  Number identifying a specific property on the 'streetName'.",
    ),
    postalCode: str('Zip code or postal code'),
    region: str("Region/prefecture of the customer's address"),
    locality: str("Locality of the customer's address"),
    country: str("Country of the customer's address. Format ISO 3166-1 alpha-2"),
    houseNumberExtension: str(
      'Specific identifier of the house needed depending on the property type. For example, number of apartment in an apartment building.',
    ),
    birthdate: date(
      'The birthdate of the customer, in RFC 3339 / ISO 8601 calendar date format (YYYY-MM-DD).',
    ),
    email: z.email().optional().openapi({
      description: 'Email address of the customer in the RFC specified format (local-part@domain).',
    }),
    gender: z
      .enum(['MALE', 'FEMALE', 'OTHER'])
      .optional()
      .openapi({ description: 'Gender of the customer (Male/Female/Other).' }),
    cityOfBirth: str('City where the customer was born.'),
    countryOfBirth: str('Country where the customer was born. Format ISO 3166-1 alpha-2.'),
    nationality: str(
      'ISO 3166-1 alpha-2 code of the customer’s nationality. In the case a customer has more than one nationality, it is supposed to be the nationality related to the ID document provided in the match request.',
    ),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'The request body must not be empty' })
  .openapi('KYC_MatchRequestBody', { description: 'Payload to validate the customer data.' });

export const MatchResult = z.enum(['true', 'false', 'not_available']).openapi('MatchResult', {
  description:
    'true -  the attribute provided matches with the one in the Operator systems, which is equal to a `match_score` of 100.\nfalse - the attribute provided does not match with the one in the Operator systems.\nnot_available - the attribute is not available to validate.\n',
});

export const MatchScoreResult = z.number().int().min(0).max(99).openapi('MatchScoreResult', {
  description:
    "Indicates the similarity score assigned to the input value when it does not exactly match the value stored in the operator's system.\nThis property shall only be returned when the value of the corresponding match field is `false`.\nA perfect match with a score of 100 is indicated by `match` being 'true' and no `matchScore` is returned in this case.\n",
});

export const KYC_MatchResponse = z
  .object({
    idDocumentMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether Id number associated to the ID document of the customer matches with the one on the Operator's system.",
    }),
    idDocumentTypeMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether document type associated to the ID document of the customer matches with the one on the Operator's system.",
    }),
    idDocumentExpiryDateMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether document expiration date associated to the ID document of the customer matches with the one on the Operator's system.",
    }),
    nameMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the complete name of the customer matches with the one on the Operator's system.",
    }),
    nameMatchScore: MatchScoreResult.optional(),
    givenNameMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether First name/given name of the customer matches with the one on the Operator's system.",
    }),
    givenNameMatchScore: MatchScoreResult.optional(),
    familyNameMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether last name/ family name/ surname of the customer matches with the one on the Operator's system.",
    }),
    familyNameMatchScore: MatchScoreResult.optional(),
    nameKanaHankakuMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether complete name of the customer in Hankaku-Kana format (reading of name) for Japan matches with the one on the Operator's system.",
    }),
    nameKanaHankakuMatchScore: MatchScoreResult.optional(),
    nameKanaZenkakuMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether complete name of the customer in Zenkaku-Kana format (reading of name) for Japan matches with the one on the Operator's system.",
    }),
    nameKanaZenkakuMatchScore: MatchScoreResult.optional(),
    middleNamesMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the middle names of the customer matches with the one on the Operator's system.",
    }),
    middleNamesMatchScore: MatchScoreResult.optional(),
    familyNameAtBirthMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the Family Name At Birth of the customer matches with the one on the Operator's system.",
    }),
    familyNameAtBirthMatchScore: MatchScoreResult.optional(),
    addressMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether complete address of the customer matches with the one on the Operator's system.",
    }),
    addressMatchScore: MatchScoreResult.optional(),
    streetNameMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the street name of the customer matches with the one on the Operator's system.",
    }),
    streetNameMatchScore: MatchScoreResult.optional(),
    streetNumberMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the street number of the customer matches with the one on the Operator's system.",
    }),
    streetNumberMatchScore: MatchScoreResult.optional(),
    postalCodeMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the postal code / zip code of the customer matches with the one on the Operator's system.",
    }),
    regionMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the region of the customer's address matches with the one on the Operator's system.",
    }),
    regionMatchScore: MatchScoreResult.optional(),
    localityMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the locality of the customer's address matches with the one on the Operator's system.",
    }),
    localityMatchScore: MatchScoreResult.optional(),
    countryMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the country of the customer's address matches with the one on the Operator's system.",
    }),
    houseNumberExtensionMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the house number extension of the customer's address with the one on the Operator's system.",
    }),
    birthdateMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the birthdate of the customer matches with the one on the Operator's system.",
    }),
    emailMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the email address of the customer matches with the one on the Operator's system.",
    }),
    emailMatchScore: MatchScoreResult.optional(),
    genderMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the gender of the customer matches with the one on the Operator's system.",
    }),
    cityOfBirthMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the city at birth of the customer matches with the one on the Operator's system",
    }),
    cityOfBirthMatchScore: MatchScoreResult.optional(),
    countryOfBirthMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the country at birth of the customer matches with the one on the Operator's system",
    }),
    nationalityMatch: MatchResult.optional().openapi({
      description:
        "Indicates whether the nationality of the customer matches with the one on the Operator's system",
    }),
  })
  .openapi('KYC_MatchResponse');

export const SCOPES = { match: ['kyc-match:match'] } as const;

export const matchRoute = createRoute({
  method: 'post',
  path: '/match',
  operationId: 'KYC_Match',
  tags: ['Match'],
  summary:
    'Matching a customer identity by checking a set of attributes related against the account data bound to their phone number.',
  description:
    'Verify matching of a number of attributes related to a customer identity against the verified data bound to their phone number in the Operator systems. Regardless of whether the `phoneNumber` is explicitly stated in the request body, at least one of the other fields must be provided, otherwise a `HTTP 400 - KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION` error will be returned.\n\nIn order to proceed with the match check, some Operators may have the requirement to perform an additional level of validation based on the `idDocument` property. This means that, in those cases, the `idDocument` is required and the provided value needs to match the one stored in the Operator system associated with the indicated `phoneNumber`. This validation will be done before proceeding with the match check of the rest of the properties. The following two rules apply only in the cases where the Operator have the requirement to validate the `idDocument`:\n- If no `idDocument` is provided, then a `HTTP 403 - KNOW_YOUR_CUSTOMER.ID_DOCUMENT_REQUIRED` error will be returned.\n- If the provided `idDocument` does not match the one stored in the Operator systems, then a `HTTP 403 - KNOW_YOUR_CUSTOMER.ID_DOCUMENT_MISMATCH` error will be returned.\n\nThe API will return the result of the matching process for each requested attribute. This means that the response will **only** contain the attributes for which validation has been requested. Possible values are:\n  - **true**: the attribute provided matches with the one in the Operator systems, which is equal to a `match_score` of 100.\n  - **false**: the attribute provided does not match with the one in the Operator systems.\n  - **not_available**: the attribute is not available to validate.',
  security: SCOPES.match.map((s) => ({ openId: [s] })),
  request: {
    headers: correlatorHeader,
    body: { required: true, content: { 'application/json': { schema: KYC_MatchRequestBody } } },
  },
  responses: {
    200: jsonResponse(KYC_MatchResponse, 'OK'),
    400: errorResponse(400, ['INVALID_ARGUMENT', KYC_ERRORS.invalidParamCombination], 'Bad Request'),
    401: errorResponse(401, ['UNAUTHENTICATED'], 'Unauthorized'),
    403: errorResponse(
      403,
      [
        'PERMISSION_DENIED',
        'INVALID_TOKEN_CONTEXT',
        KYC_ERRORS.idDocumentRequired,
        KYC_ERRORS.idDocumentMismatch,
      ],
      'Forbidden',
    ),
    404: errorResponse(404, ['NOT_FOUND', 'IDENTIFIER_NOT_FOUND'], 'Not found'),
    422: errorResponse(422, ['SERVICE_NOT_APPLICABLE', 'MISSING_IDENTIFIER'], 'Unprocessable Content'),
  },
});
