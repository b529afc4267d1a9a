import { z } from '@hono/zod-openapi';

/** CAMARA common schemas (CAMARA_common.yaml, Commonalities 0.6), as zod with OpenAPI metadata. */

export const PHONE_NUMBER_PATTERN = /^\+[1-9][0-9]{4,14}$/;

export const PhoneNumber = z.string().regex(PHONE_NUMBER_PATTERN).openapi('PhoneNumber', {
  description:
    "A public identifier addressing a telephone subscription. In mobile networks it corresponds to the MSISDN (Mobile Station International Subscriber Directory Number). In order to be globally unique it has to be formatted in international format, according to E.164 standard, prefixed with '+'.",
  example: '+346661113334',
});

export const XCorrelator = z
  .string()
  .regex(/^[a-zA-Z0-9-_:;./<>{}]{0,256}$/)
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

const responseHeaders = z.object({
  'x-correlator': XCorrelator.openapi({ description: 'Correlation id for the different services' }),
});

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, headers: responseHeaders, content: { 'application/json': { schema } } };
}

/** A documented error response: ErrorInfo narrowed to its status and codes (the CAMARA allOf form). */
export function errorResponse(status: number, codes: readonly [string, ...string[]], description: string) {
  const narrowed = z.object({ status: z.literal(status), code: z.enum(codes) });
  return jsonResponse(z.intersection(ErrorInfo, narrowed), description);
}
