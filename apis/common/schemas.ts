import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { X_CORRELATOR_PATTERN } from '../../src/http/correlator.js';

/** CAMARA common schemas (CAMARA_common.yaml, Commonalities 0.6), as zod with OpenAPI metadata. */

export const PHONE_NUMBER_PATTERN = /^\+[1-9][0-9]{4,14}$/;

export const PhoneNumber = z.string().regex(PHONE_NUMBER_PATTERN).openapi('PhoneNumber', {
  description:
    "A public identifier addressing a telephone subscription. In mobile networks it corresponds to the MSISDN (Mobile Station International Subscriber Directory Number). In order to be globally unique it has to be formatted in international format, according to E.164 standard, prefixed with '+'.",
  example: '+346661113334',
});

export const XCorrelator = z
  .string()
  .regex(X_CORRELATOR_PATTERN)
  .openapi('XCorrelator', { example: 'b4333c46-49c0-4f62-80d7-f0ef930f1c46' });

export const ErrorInfo = z
  .object({
    status: z.number().int().openapi({ description: 'HTTP response status code' }),
    code: z.string().openapi({ description: 'A human-readable code to describe the error' }),
    message: z.string().openapi({ description: 'A human-readable description of what the event represents' }),
  })
  .openapi('ErrorInfo');

/** The x-correlator request header parameter of every operation. */
export const correlatorHeader = z.object({
  'x-correlator': XCorrelator.optional().openapi({
    param: { name: 'x-correlator', in: 'header', description: 'Correlation id for the different services' },
  }),
});

/**
 * Components shared by every operation, as CAMARA_common.yaml declares them: the x-correlator
 * response header is a `$ref` to `#/components/headers/x-correlator`, so each API router
 * registers it (and the schema it points at) once.
 */
export function registerCommonComponents(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.register('XCorrelator', XCorrelator);
  registry.registerComponent('headers', 'x-correlator', {
    description: 'Correlation id for the different services',
    schema: { $ref: '#/components/schemas/XCorrelator' },
  });
}

/** Commonalities: every response, errors included, carries the x-correlator header. */
const responseHeaders = { 'x-correlator': { $ref: '#/components/headers/x-correlator' } };

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, headers: responseHeaders, content: { 'application/json': { schema } } };
}

/** A documented error response: ErrorInfo narrowed to its status and codes (the CAMARA allOf form). */
export function errorResponse(status: number, codes: readonly [string, ...string[]], description: string) {
  // A zod literal is documented as `type: number`; ErrorInfo.status is an integer.
  const narrowed = z.object({
    status: z.literal(status).openapi({ type: 'integer', enum: [status] }),
    code: z.enum(codes),
  });
  return jsonResponse(z.intersection(ErrorInfo, narrowed), description);
}
