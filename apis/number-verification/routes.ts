import { createRoute, z } from '@hono/zod-openapi';
import { correlatorHeader, errorResponse, jsonResponse, PHONE_NUMBER_PATTERN } from '../common/schemas.js';
import { NV_ERRORS } from './errors.js';

/**
 * Number Verification 2.1.0 operations, schemas and documented errors, as in
 * number-verification.yaml. The body holds exactly one of phoneNumber or hashedPhoneNumber
 * (`minProperties: 1`, `maxProperties: 1`); unknown properties are refused (TEST-PLAN
 * @phone_number_verify_400.3_invalid_request_non_existing_property).
 */

const PHONE_NUMBER_DESCRIPTION =
  "A public identifier addressing a telephone subscription. In mobile networks it corresponds to the MSISDN (Mobile Station International Subscriber Directory Number). In order to be globally unique it has to be formatted in international format, according to E.164 standard, prefixed with '+'.";

export const NumberVerificationRequestBody = z
  .strictObject({
    phoneNumber: z
      .string()
      .regex(PHONE_NUMBER_PATTERN)
      .optional()
      .openapi({ example: '+123456789', description: PHONE_NUMBER_DESCRIPTION }),
    hashedPhoneNumber: z
      .string()
      .regex(/^[a-fA-F0-9]{64}$/)
      .optional()
      .openapi({
        description:
          "Hashed phone number. SHA-256 (in hexadecimal representation) of the mobile phone number in **E.164 format (starting with country code)**. Prefixed with '+'.",
        example: '32f67ab4e4312618b09cd23ed8ce41b13e095fe52b73b2e8da8ef49830e50dba',
      }),
  })
  .refine((body) => Object.keys(body).length === 1, {
    message: 'Exactly one of phoneNumber or hashedPhoneNumber must be provided',
  })
  .openapi('NumberVerificationRequestBody', {
    description: 'Payload to verify the phone number.',
    minProperties: 1,
    maxProperties: 1,
  });

export const DevicePhoneNumber = z.string().regex(PHONE_NUMBER_PATTERN).openapi('DevicePhoneNumber', {
  example: '+123456789',
  description: PHONE_NUMBER_DESCRIPTION,
});

export const DevicePhoneNumberVerified = z
  .boolean()
  .openapi('DevicePhoneNumberVerified', { description: 'Number verification. True, if it matches' });

export const NumberVerificationMatchResponse = z
  .object({ devicePhoneNumberVerified: DevicePhoneNumberVerified })
  .openapi('NumberVerificationMatchResponse', { description: 'Number verification result' });

export const NumberVerificationShareResponse = z
  .object({ devicePhoneNumber: DevicePhoneNumber })
  .openapi('NumberVerificationShareResponse', { description: 'Number verification share result' });

const errors = {
  400: errorResponse(400, ['INVALID_ARGUMENT'], 'Problem with the client request'),
  401: errorResponse(401, ['UNAUTHENTICATED'], 'Unauthorized'),
  403: errorResponse(
    403,
    ['PERMISSION_DENIED', NV_ERRORS.notAuthenticatedByMobileNetwork],
    'Client does not have sufficient permission.\nIn addition to regular scenario of `PERMISSION_DENIED`, other scenarios may exist:\n  - Client authentication was not via mobile network. In order to check the authentication method, AMR parameter value in the 3-legged user\'s access token can be used and make sure that the authentication was not either by SMS+OTP nor username/password (`{"code": "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK","message": "Client must authenticate via the mobile network to use this service"}`)\n',
  ),
} as const;

export const SCOPES = {
  verify: ['number-verification:verify'],
  share: ['number-verification:device-phone-number:read'],
} as const;

export const verifyRoute = createRoute({
  method: 'post',
  path: '/verify',
  operationId: 'phoneNumberVerify',
  tags: ['Phone number verify'],
  summary:
    'Verifies if the received hashed/plain text phone number matches the phone number associated with the access token',
  description:
    "Verifies if the specified phone number (either in plain text or hashed format) matches the one that the user is currently using. Only one of the plain or hashed formats must be provided.\n- The number verification will be done for the user that has authenticated via mobile network\n- It returns true/false depending on if the hashed phone number received as input matches the authenticated user's `device phone number` associated to the access token\n",
  security: SCOPES.verify.map((s) => ({ openId: [s] })),
  request: {
    headers: correlatorHeader,
    body: { required: true, content: { 'application/json': { schema: NumberVerificationRequestBody } } },
  },
  responses: { 200: jsonResponse(NumberVerificationMatchResponse, 'OK'), ...errors },
});

export const shareRoute = createRoute({
  method: 'get',
  path: '/device-phone-number',
  operationId: 'phoneNumberShare',
  tags: ['Phone number share'],
  summary: 'Returns the phone number associated with the access token',
  description:
    "Returns the phone number so the API clients can verify the number themselves:\n- It will be done for the user that has authenticated via mobile network\n- It returns the authenticated user's `device phone number` associated to the access token\n",
  security: SCOPES.share.map((s) => ({ openId: [s] })),
  request: { headers: correlatorHeader },
  responses: { 200: jsonResponse(NumberVerificationShareResponse, 'OK'), ...errors },
});
