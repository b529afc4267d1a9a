import { z } from '@hono/zod-openapi';
import { CLIENT_AUTH_METHODS } from '../../auth/client-auth.js';
import { GRANT } from '../../auth/grants/grant-types.js';
import { DEFAULT_OVERLAP_SECONDS, MAX_OVERLAP_SECONDS } from './credentials.js';

/**
 * The admin API's bodies and answers. Every request schema is strict: a field the API does not
 * take (status, clientId, secretHash, credentials, …) is 400 INVALID_ARGUMENT, never silently
 * stored (mass assignment). Times are RFC 3339 in the API, ms since the epoch in the store.
 */

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);
/** Plan names: lower-case words, never an Object.prototype member (`__proto__`, `constructor`). */
export const PlanName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/)
  .refine((n) => n !== 'constructor');
const Name = z.string().trim().min(1).max(200);
const DateTime = z.iso.datetime({ offset: true }).openapi({ format: 'date-time' });

export const ErrorInfo = z
  .object({ status: z.number().int(), code: z.string(), message: z.string() })
  .openapi('ErrorInfo');

export const Contact = z
  .strictObject({ name: Name.optional(), email: z.email().max(254) })
  .openapi('Contact', { description: 'Who the operator calls about this partner or application.' });

export const PartnerCreate = z
  .strictObject({ name: Name, contact: Contact.optional() })
  .openapi('PartnerCreate');
export const PartnerPatch = z
  .strictObject({ name: Name.optional(), contact: Contact.nullable().optional() })
  .openapi('PartnerPatch');

export const Partner = z
  .object({
    partnerId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    contact: Contact.optional(),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .openapi('Partner');

const page = {
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int().openapi({ description: 'Items matching the filter, on every page.' }),
};
export const PartnerList = z.object({ items: z.array(Partner), ...page }).openapi('PartnerList');

export const ListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1).openapi({ type: 'integer' }),
  perPage: z.coerce.number().int().min(1).max(100).default(20).openapi({ type: 'integer' }),
  status: z.enum(['active', 'suspended']).optional(),
  name: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: 'Case-insensitive substring of the name.' }),
});

const Jwks = z
  .strictObject({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) })
  .openapi('JsonWebKeySet', { description: 'Public keys for private_key_jwt (RFC 7517).' });

/** What an application record holds that its owner's manager may set (see the fields below). */
const applicationFields = {
  name: Name,
  grantTypes: z.array(z.enum(Object.values(GRANT) as [string, ...string[]])).min(1),
  authMethods: z.array(z.enum(CLIENT_AUTH_METHODS)).min(1),
  scopes: z.array(z.string().min(1).max(100)).min(1).max(50),
  purposes: z
    .array(z.string().regex(/^dpv:[A-Za-z]{1,100}$/))
    .min(1)
    .max(20),
  redirectUris: z
    .array(z.url({ protocol: /^https?$/ }).max(2000))
    .max(10)
    .optional(),
  jwks: Jwks.optional(),
  jwksUri: z
    .url({ protocol: /^https$/ })
    .max(2000)
    .optional()
    .openapi({ description: 'https only; fetched by the platform with SSRF protection.' }),
  contact: Contact.optional(),
  validFrom: DateTime.optional(),
  validUntil: DateTime.optional(),
  /** Reserved to operator-admin: the commercial agreement (admin/v1/roles.ts agreement:write). */
  plan: PlanName.optional().openapi({
    description: 'Rate-limit plan; operator-admin only. Default: standard.',
  }),
  twoLeggedApis: z
    .array(z.string().min(1).max(100))
    .max(20)
    .optional()
    .openapi({ description: 'APIs open to client credentials; operator-admin only.' }),
};

export const ApplicationCreate = z.strictObject(applicationFields).openapi('ApplicationCreate');

const optionalFields = Object.fromEntries(
  Object.entries(applicationFields).map(([k, v]) => [k, (v as z.ZodType).optional()]),
) as { [K in keyof typeof applicationFields]: z.ZodOptional<(typeof applicationFields)[K]> };
export const ApplicationPatch = z.strictObject(optionalFields).openapi('ApplicationPatch');

/** The fields only operator-admin may set: a partner-manager sending one is refused (403). */
export const AGREEMENT_FIELDS = ['plan', 'twoLeggedApis'] as const;

export const CredentialInfo = z
  .object({
    id: z.string(),
    kind: z.enum(['client_secret', 'key']),
    jwks: Jwks.optional().openapi({ description: 'kind key: the public keys registered by value.' }),
    jwksUri: z.string().optional().openapi({ description: 'kind key: the URL the keys are fetched from.' }),
    createdAt: DateTime,
    expiresAt: DateTime,
    revokedAt: DateTime.optional(),
  })
  .openapi('Credential', {
    description: 'A client secret (never its value nor its hash) or a private_key_jwt key set.',
  });

export const Application = z
  .object({
    clientId: z.string(),
    partnerId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    plan: z.string(),
    grantTypes: z.array(z.string()),
    authMethods: z.array(z.string()),
    scopes: z.array(z.string()),
    purposes: z.array(z.string()),
    twoLeggedApis: z.array(z.string()),
    redirectUris: z.array(z.string()).optional(),
    jwks: Jwks.optional(),
    jwksUri: z.string().optional(),
    contact: Contact.optional(),
    validFrom: DateTime.optional(),
    validUntil: DateTime.optional(),
    credentials: z.array(CredentialInfo),
  })
  .openapi('Application');

export const ApplicationList = z.object({ items: z.array(Application), ...page }).openapi('ApplicationList');

/** A credential's lifetime and its rotation's overlap, for the credentials named `earlier`. */
const lifetime = (earlier: string) => ({
  // A short-lived credential (a trial, a hand-over) only narrows exposure: no floor beyond 1 s.
  expiresInSeconds: z
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({ description: "Lifetime; default and maximum are the plan's (OUT_OF_RANGE above it)." }),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_OVERLAP_SECONDS)
    .optional()
    .openapi({
      description: `How long the application's ${earlier} keep working (rotation); default ${DEFAULT_OVERLAP_SECONDS}.`,
    }),
});

export const SecretCreate = z.strictObject(lifetime('earlier secrets')).openapi('SecretCreate');

export const KeyCreate = z
  .strictObject({
    jwks: Jwks.optional().openapi({ description: 'Public signing keys only; a private key is refused.' }),
    jwksUri: z
      .string()
      .max(2048)
      .optional()
      .openapi({ description: 'https only; no internal, private or link-local address (SSRF).' }),
    ...lifetime('earlier credentials of the same kind'),
  })
  .openapi('KeyCreate', { description: 'Exactly one of jwks and jwksUri.' });

export const SecretIssued = z
  .object({
    credentialId: z.string(),
    clientId: z.string(),
    clientSecret: z.string().openapi({ description: 'Shown this once: the platform keeps only its HMAC.' }),
    createdAt: DateTime,
    expiresAt: DateTime,
  })
  .openapi('SecretIssued');

export const PlanBody = z
  .strictObject({
    burstPerSecond: z.number().int().min(1).max(1_000_000),
    quotaPerDay: z.number().int().min(1).max(1_000_000_000),
    secretTtl: z
      .strictObject({
        defaultSeconds: z
          .number()
          .int()
          .min(3600)
          .max(5 * 365 * 86_400),
        maxSeconds: z
          .number()
          .int()
          .min(3600)
          .max(5 * 365 * 86_400),
      })
      .refine((t) => t.defaultSeconds <= t.maxSeconds, 'defaultSeconds must not exceed maxSeconds')
      .optional(),
  })
  .openapi('PlanBody');

export const Plan = z
  .object({
    name: z.string(),
    burstPerSecond: z.number().int(),
    quotaPerDay: z.number().int(),
    secretTtl: z.object({ defaultSeconds: z.number().int(), maxSeconds: z.number().int() }),
  })
  .openapi('Plan');

export const PlanList = z.object({ items: z.array(Plan) }).openapi('PlanList');

export const PartnerPath = z.object({ partnerId: Id.openapi({ param: { name: 'partnerId', in: 'path' } }) });
export const ApplicationPath = PartnerPath.extend({
  clientId: Id.openapi({ param: { name: 'clientId', in: 'path' } }),
});
export const CredentialPath = ApplicationPath.extend({
  credentialId: Id.openapi({ param: { name: 'credentialId', in: 'path' } }),
});
export const PlanPath = z.object({ name: PlanName.openapi({ param: { name: 'name', in: 'path' } }) });
