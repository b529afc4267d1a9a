import { createRoute, z } from '@hono/zod-openapi';
import { CONSENT_INFO_CODES } from './errors.js';
import { correlatorHeader, errorResponse, jsonResponse, PhoneNumber } from '../common/schemas.js';

/** Consent Info (CAMARA ConsentInfo 0.2.0-rc.2, operation retrieveStatus): schemas and errors. */

const Scopes = z
  .array(z.string().min(1).max(128))
  .min(1)
  .max(32)
  .openapi('Scopes', {
    description: 'List of requested scopes.',
    example: ['sim-swap:check'],
  });

const Purpose = z
  .string()
  .regex(/^dpv:[a-zA-Z0-9]+$/)
  .openapi('Purpose', {
    description:
      'The purpose of the processing, a W3C DPV purpose; it must be the purpose of the access token.',
    example: 'dpv:FraudPreventionAndDetection',
  });

export const RetrieveStatusRequestBody = z
  .strictObject({
    phoneNumber: PhoneNumber.optional(),
    scopes: Scopes,
    purpose: Purpose,
    requestCaptureUrl: z.boolean().openapi({
      description: 'When true, the response carries a captureUrl if the user must act.',
    }),
  })
  .openapi('RetrieveStatusRequestBody');

const StatusInfoObject = z
  .object({
    scopes: Scopes,
    purpose: Purpose,
    statusValidForProcessing: z.boolean(),
    statusReason: z.enum(['PENDING', 'REQUESTED', 'REVOKED', 'EXPIRED', 'OBJECTED']).optional(),
    expirationDate: z.string().optional().openapi({ format: 'date-time' }),
  })
  .openapi('statusInfoObject');

export const RetrieveStatusResponseBody = z
  .object({
    statusInfo: z.array(StatusInfoObject).min(1),
    captureUrl: z.string().optional().openapi({ format: 'url' }),
  })
  .openapi('RetrieveStatusResponseBody');

export const SCOPES = ['consent-info:retrieve'] as const;

export const retrieveStatusRoute = createRoute({
  method: 'post',
  path: '/retrieve',
  operationId: 'retrieveStatus',
  summary: 'Create a request to retrieve the validity status of the data processing',
  tags: ['Retrieve Status'],
  security: [{ openId: [...SCOPES] }],
  request: {
    headers: correlatorHeader,
    body: { required: true, content: { 'application/json': { schema: RetrieveStatusRequestBody } } },
  },
  responses: {
    200: jsonResponse(RetrieveStatusResponseBody, 'OK'),
    400: errorResponse(400, ['INVALID_ARGUMENT'], 'Bad Request'),
    401: errorResponse(401, ['UNAUTHENTICATED'], 'Unauthorized'),
    403: errorResponse(
      403,
      ['PERMISSION_DENIED', CONSENT_INFO_CODES.notAllowed, CONSENT_INFO_CODES.captureFrequency],
      'Forbidden',
    ),
    422: errorResponse(422, ['MISSING_IDENTIFIER', 'UNNECESSARY_IDENTIFIER'], 'Unprocessable Content'),
    429: errorResponse(429, ['QUOTA_EXCEEDED', 'TOO_MANY_REQUESTS'], 'Too Many Requests'),
  },
});
