import { z } from '@hono/zod-openapi';
import type { OAuthCode } from '../../errors.js';

/** Building blocks of the authorization server's OpenAPI document (documentation only). */

export const TAG = 'Authorization server';

/** An endpoint's OAuth errors (RFC 6749 §5.2 form) with the status each is answered with. */
export type EndpointErrors = Partial<Record<OAuthCode, number>>;

export const url = (description: string) => z.string().openapi({ format: 'uri', description });
export const strings = (description: string) => z.array(z.string()).openapi({ description });
export const text = (description: string) => z.string().optional().openapi({ description });

const correlatorHeader = { 'x-correlator': { $ref: '#/components/headers/x-correlator' } };

type Header = { description: string; schema: Record<string, unknown>; required?: boolean };

export const HEADERS = {
  noStore: { description: 'RFC 6749 §5.1', schema: { type: 'string', enum: ['no-store'] } },
  noCache: { description: 'RFC 6749 §5.1', schema: { type: 'string', enum: ['no-cache'] } },
  retryAfter: { description: 'Seconds', schema: { type: 'integer' } },
  basicChallenge: {
    description: 'RFC 9110 §11.6.1: the HTTP authentication scheme the server supports',
    schema: { type: 'string', enum: ['Basic realm="camara"'] },
  },
  rateLimitPolicy: { description: 'IETF httpapi RateLimit-Policy', schema: { type: 'string' } },
  rateLimit: { description: 'IETF httpapi RateLimit', schema: { type: 'string' } },
} as const satisfies Record<string, Header>;

/** Headers that come with an error status, whatever the endpoint. */
const ERROR_HEADERS: Record<number, Record<string, Header>> = {
  401: { 'WWW-Authenticate': HEADERS.basicChallenge },
  429: {
    'Retry-After': HEADERS.retryAfter,
    'RateLimit-Policy': HEADERS.rateLimitPolicy,
    RateLimit: HEADERS.rateLimit,
  },
  503: { 'Retry-After': HEADERS.retryAfter },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is invalid (RFC 6749 §5.2)',
  401: 'Client authentication failed',
  403: 'The request is refused',
  429: 'Too many requests from this client or source address; retry after Retry-After',
  500: 'Unexpected server error; details only in the server log',
  503: 'The store is unavailable; retry later',
};

export const json = (schema: z.ZodType, description: string, headers: Record<string, object> = {}) => ({
  description,
  headers: { ...correlatorHeader, ...headers },
  content: { 'application/json': { schema } },
});

/** A response without a body (RFC 7009 §2.2: revocation answers 200 and nothing else). */
export const empty = (description: string, headers: Record<string, object> = {}) => ({
  description,
  headers: { ...correlatorHeader, ...headers },
});

/** The error responses of an endpoint, one per status, each limited to the codes of that status. */
export function errorResponses(errors: EndpointErrors): Record<string, ReturnType<typeof json>> {
  const byStatus = new Map<number, OAuthCode[]>();
  for (const [code, status] of Object.entries(errors) as [OAuthCode, number][]) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      json(
        z.object({
          error: z.enum(codes as [OAuthCode, ...OAuthCode[]]),
          error_description: z
            .string()
            .openapi({ description: 'Human-readable; never reveals which check failed.' }),
        }),
        STATUS_TEXT[status] ?? `HTTP ${status}`,
        ERROR_HEADERS[status] ?? {},
      ),
    ]),
  );
}

/**
 * What every client-authenticated POST endpoint can answer besides its own errors: a body that
 * breaks the form rules, failed client authentication, the endpoint limits (endpoint-limits.ts),
 * the store being down and an unexpected failure (http/on-error.ts).
 */
export const CLIENT_AUTHENTICATED_ERRORS = {
  invalid_request: 400,
  invalid_client: 401,
  too_many_requests: 429,
  temporarily_unavailable: 503,
  server_error: 500,
} as const satisfies EndpointErrors;

/** Client authentication parameters of the form (private_key_jwt, client_secret_post). */
export const clientAuthentication = (assertionType: string, algs: readonly string[]) => ({
  client_assertion_type: z.literal(assertionType).optional().openapi({
    description: 'private_key_jwt (RFC 7523 §2.2): the only accepted assertion type.',
  }),
  client_assertion: z
    .string()
    .optional()
    .openapi({
      description: `A signed JWT (${algs.join(', ')}) with iss = sub = client_id, aud = this endpoint or the issuer, a single-use jti and a lifetime of at most 300 s.`,
    }),
  client_id: z.string().optional().openapi({
    description: 'With client_secret (client_secret_post), or equal to the assertion issuer.',
  }),
  client_secret: z.string().optional().openapi({
    description: 'client_secret_post, only for applications whose record allows it.',
  }),
});
