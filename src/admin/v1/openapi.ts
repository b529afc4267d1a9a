import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import { X_CORRELATOR_PATTERN } from '../../http/correlator.js';
import { canonicalDocument, serversOf } from '../../openapi.js';
import * as s from './schemas.js';

/**
 * The admin API's operations, documented from the same zod schemas that validate them: the
 * routes (index.ts) are mounted from this table, so the document cannot list an operation that
 * is not served, nor miss one. Committed as openapi/admin.yaml (test/conformance/openapi-drift).
 */

export const ADMIN_BASE_PATH = '/admin/v1';
export const ADMIN_API_VERSION = '0.1.0';

const errorCodes = {
  400: ['INVALID_ARGUMENT', 'OUT_OF_RANGE'],
  401: ['UNAUTHENTICATED'],
  403: ['PERMISSION_DENIED'],
  404: ['NOT_FOUND'],
  412: ['FAILED_PRECONDITION'],
} as const;

const correlator = z.object({
  'x-correlator': z
    .string()
    .regex(X_CORRELATOR_PATTERN)
    .optional()
    .openapi({ param: { name: 'x-correlator', in: 'header' } }),
});

type Spec = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok: 200 | 201 | 204;
  response?: z.ZodType;
  errors?: readonly (keyof typeof errorCodes)[];
  /**
   * The 409s of the route: ABORTED where it edits a record (registry `update`: every attempt of
   * its compare-and-set lost to a concurrent edit), ALREADY_EXISTS where it creates one.
   */
  conflicts?: readonly ('ABORTED' | 'ALREADY_EXISTS')[];
};

const EDIT = ['ABORTED'] as const;

function op(spec: Spec): RouteConfig {
  const responses: RouteConfig['responses'] = {
    [spec.ok]:
      spec.response === undefined
        ? { description: 'Done' }
        : { description: 'OK', content: { 'application/json': { schema: spec.response } } },
  };
  for (const status of [400, 401, 403, 404, ...(spec.errors ?? [])] as const) {
    responses[status] = {
      description: errorCodes[status].join(', '),
      content: { 'application/json': { schema: s.ErrorInfo } },
    };
  }
  if (spec.conflicts !== undefined)
    responses[409] = {
      description: spec.conflicts.join(', '),
      content: { 'application/json': { schema: s.ErrorInfo } },
    };
  return createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    security: [{ adminToken: [] }],
    request: {
      headers: correlator,
      ...(spec.params === undefined ? {} : { params: spec.params }),
      ...(spec.query === undefined ? {} : { query: spec.query }),
      ...(spec.body === undefined
        ? {}
        : { body: { required: true, content: { 'application/json': { schema: spec.body } } } }),
    },
    responses,
  });
}

const partner = '/partners/{partnerId}';
const app = `${partner}/applications/{clientId}`;
const P = s.PartnerPath;
const A = s.ApplicationPath;

export const ADMIN_ROUTES = {
  createPartner: op({
    method: 'post',
    path: '/partners',
    summary: 'Onboard a partner',
    body: s.PartnerCreate,
    ok: 201,
    response: s.Partner,
    conflicts: ['ALREADY_EXISTS'],
  }),
  listPartners: op({
    method: 'get',
    path: '/partners',
    summary: 'List partners',
    query: s.ListQuery,
    ok: 200,
    response: s.PartnerList,
  }),
  getPartner: op({
    method: 'get',
    path: partner,
    summary: 'Read a partner',
    params: P,
    ok: 200,
    response: s.Partner,
  }),
  patchPartner: op({
    method: 'patch',
    path: partner,
    summary: 'Change a partner',
    params: P,
    body: s.PartnerPatch,
    ok: 200,
    response: s.Partner,
    conflicts: EDIT,
  }),
  deletePartner: op({
    method: 'delete',
    path: partner,
    summary: 'Delete a partner without applications',
    params: P,
    ok: 204,
    errors: [412],
  }),
  suspendPartner: op({
    method: 'post',
    path: `${partner}/suspend`,
    summary: "Suspend a partner and all its applications' access",
    params: P,
    ok: 200,
    response: s.Partner,
    conflicts: EDIT,
  }),
  resumePartner: op({
    method: 'post',
    path: `${partner}/resume`,
    summary: 'Resume a suspended partner',
    params: P,
    ok: 200,
    response: s.Partner,
    conflicts: EDIT,
  }),
  createApplication: op({
    method: 'post',
    path: `${partner}/applications`,
    summary: 'Onboard an application',
    params: P,
    body: s.ApplicationCreate,
    ok: 201,
    response: s.Application,
    conflicts: ['ALREADY_EXISTS'],
  }),
  listApplications: op({
    method: 'get',
    path: `${partner}/applications`,
    summary: "List a partner's applications",
    params: P,
    query: s.ListQuery,
    ok: 200,
    response: s.ApplicationList,
  }),
  getApplication: op({
    method: 'get',
    path: app,
    summary: 'Read an application',
    params: A,
    ok: 200,
    response: s.Application,
  }),
  patchApplication: op({
    method: 'patch',
    path: app,
    summary: 'Change an application',
    params: A,
    body: s.ApplicationPatch,
    ok: 200,
    response: s.Application,
    conflicts: EDIT,
  }),
  deleteApplication: op({
    method: 'delete',
    path: app,
    summary: 'Delete an application (suspended first)',
    params: A,
    ok: 204,
    conflicts: EDIT,
  }),
  suspendApplication: op({
    method: 'post',
    path: `${app}/suspend`,
    summary: 'Suspend an application (kill switch)',
    params: A,
    ok: 200,
    response: s.Application,
    conflicts: EDIT,
  }),
  resumeApplication: op({
    method: 'post',
    path: `${app}/resume`,
    summary: 'Resume a suspended application',
    params: A,
    ok: 200,
    response: s.Application,
    conflicts: EDIT,
  }),
  listSecrets: op({
    method: 'get',
    path: `${app}/secrets`,
    summary: "List an application's secrets (never their values)",
    params: A,
    ok: 200,
    response: z.object({ items: z.array(s.CredentialInfo) }),
  }),
  createSecret: op({
    method: 'post',
    path: `${app}/secrets`,
    summary: 'Issue a client secret, shown once (rotation: earlier ones end after the overlap)',
    params: A,
    body: s.SecretCreate,
    ok: 201,
    response: s.SecretIssued,
    conflicts: EDIT,
  }),
  revokeSecret: op({
    method: 'delete',
    path: `${app}/secrets/{credentialId}`,
    summary: 'Revoke a client secret at once',
    params: s.CredentialPath,
    ok: 204,
    conflicts: EDIT,
  }),
  createKey: op({
    method: 'post',
    path: `${app}/keys`,
    summary: 'Register private_key_jwt keys that expire (rotation: earlier ones end after the overlap)',
    params: A,
    body: s.KeyCreate,
    ok: 201,
    response: s.CredentialInfo,
    conflicts: EDIT,
  }),
  revokeKey: op({
    method: 'delete',
    path: `${app}/keys/{credentialId}`,
    summary: 'Revoke a key credential at once',
    params: s.CredentialPath,
    ok: 204,
    conflicts: EDIT,
  }),
  listPlans: op({
    method: 'get',
    path: '/plans',
    summary: 'List rate-limit plans',
    ok: 200,
    response: s.PlanList,
  }),
  getPlan: op({
    method: 'get',
    path: '/plans/{name}',
    summary: 'Read a plan',
    params: s.PlanPath,
    ok: 200,
    response: s.Plan,
  }),
  putPlan: op({
    method: 'put',
    path: '/plans/{name}',
    summary: 'Create or replace a plan, effective on the next call',
    params: s.PlanPath,
    body: s.PlanBody,
    ok: 200,
    response: s.Plan,
    conflicts: ['ABORTED'],
  }),
  endSession: op({
    method: 'delete',
    path: '/session',
    summary: "Revoke the caller's own admin token",
    ok: 204,
  }),
} as const;

export type AdminRouteName = keyof typeof ADMIN_ROUTES;

/** `/partners/{partnerId}` → `/partners/:partnerId`, as Hono routes it. */
export const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** The admin API's OpenAPI 3.0.3 document, servers rooted at `publicUrl`. */
export function adminDocument(publicUrl: string) {
  const docs = new OpenAPIHono();
  docs.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "An admin access token from this platform's token endpoint (client credentials, private_key_jwt, resource=<PUBLIC_URL>/admin), or a JWT from the operator's identity provider.",
  });
  for (const route of Object.values(ADMIN_ROUTES)) docs.openAPIRegistry.registerPath(route);
  const document = docs.getOpenAPIDocument({
    openapi: '3.0.3',
    info: {
      title: 'Operator admin API',
      version: ADMIN_API_VERSION,
      description:
        "The operator's control plane: partners, their applications and credentials, rate-limit plans. Never open to developers: its own audience and credentials (docs/operator.md).",
    },
    servers: serversOf(publicUrl, ADMIN_BASE_PATH),
  });
  return canonicalDocument(document);
}
