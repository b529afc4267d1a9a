import { createRoute, z } from '@hono/zod-openapi';
import { correlatorHeader, errorResponse, jsonResponse, PhoneNumber } from '../common/schemas.js';

/** SIM Swap 2.1.0 operations, schemas and documented errors, as in sim-swap.yaml. */

export const CreateCheckSimSwap = z
  .strictObject({
    phoneNumber: PhoneNumber.optional(),
    maxAge: z.number().int().min(1).max(2400).optional().openapi({
      example: 240,
      description: 'Period in hours to be checked for SIM swap.\n',
      format: 'int32',
      default: 240,
    }),
  })
  .openapi('CreateCheckSimSwap');

export const CreateSimSwapDate = z
  .strictObject({ phoneNumber: PhoneNumber.optional() })
  .openapi('CreateSimSwapDate');

export const SimSwapInfo = z
  .object({
    latestSimChange: z.string().nullable().openapi({
      format: 'date-time',
      description:
        'Timestamp of latest SIM swap performed. It must follow [RFC 3339](https://datatracker.ietf.org/doc/html/rfc3339#section-5.6) and must have time zone.',
      example: '2023-07-03T14:27:08.312+02:00',
    }),
    monitoredPeriod: z.number().int().optional().openapi({
      description:
        'Timeframe in days for SIM card change supervision for the phone number. It could be valued in the response if the latest SIM swap occurred before this monitored period.',
      example: 120,
    }),
  })
  .openapi('SimSwapInfo');

export const CheckSimSwapInfo = z
  .object({
    swapped: z.boolean().openapi({
      description:
        'Indicates whether the SIM card has been swapped during the period within the provided age.',
    }),
  })
  .openapi('CheckSimSwapInfo');

const errors = {
  400: errorResponse(400, ['INVALID_ARGUMENT', 'OUT_OF_RANGE'], 'Bad Request'),
  401: errorResponse(401, ['UNAUTHENTICATED'], 'Unauthorized'),
  403: errorResponse(403, ['PERMISSION_DENIED'], 'Forbidden'),
  404: errorResponse(404, ['NOT_FOUND', 'IDENTIFIER_NOT_FOUND'], 'Not found'),
  422: errorResponse(
    422,
    ['SERVICE_NOT_APPLICABLE', 'MISSING_IDENTIFIER', 'UNNECESSARY_IDENTIFIER'],
    'Unprocessable Content',
  ),
  429: errorResponse(429, ['QUOTA_EXCEEDED', 'TOO_MANY_REQUESTS'], 'Too Many Requests'),
} as const;

export const SCOPES = {
  retrieveDate: ['sim-swap:retrieve-date', 'sim-swap'],
  check: ['sim-swap:check', 'sim-swap'],
} as const;

export const retrieveDateRoute = createRoute({
  method: 'post',
  path: '/retrieve-date',
  operationId: 'retrieveSimSwapDate',
  summary: 'Retrieve SIM swap date',
  description: 'Get timestamp of last SIM swap event for a mobile user account provided with phone number.',
  tags: ['Retrieve SIM swap date'],
  security: SCOPES.retrieveDate.map((s) => ({ openId: [s] })),
  request: {
    headers: correlatorHeader,
    body: {
      description: 'Create a SIM swap date request for a phone number.\n',
      required: true,
      content: { 'application/json': { schema: CreateSimSwapDate } },
    },
  },
  responses: { 200: jsonResponse(SimSwapInfo, 'Contains information about SIM swap change'), ...errors },
});

export const checkRoute = createRoute({
  method: 'post',
  path: '/check',
  operationId: 'checkSimSwap',
  summary: 'Check SIM swap',
  description: 'Check if SIM swap has been performed during a past period',
  tags: ['Check SIM swap'],
  security: SCOPES.check.map((s) => ({ openId: [s] })),
  request: {
    headers: correlatorHeader,
    body: {
      description: 'Create a check SIM swap request for a phone number.\n',
      required: true,
      content: { 'application/json': { schema: CreateCheckSimSwap } },
    },
  },
  responses: {
    200: jsonResponse(CheckSimSwapInfo, 'Returns whether a SIM swap has been performed during a past period'),
    ...errors,
  },
});
