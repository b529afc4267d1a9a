/**
 * The operator's roles on the admin API and what each may do. One table, read by every route
 * (`can(role, action)`), so that a role's reach is reviewed in one place; docs/operator.md
 * reproduces it.
 */
export const ADMIN_ROLES = ['operator-admin', 'partner-manager', 'support', 'auditor'] as const;

export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ACTIONS = [
  'partners:read',
  'partners:write',
  'applications:read',
  'applications:write',
  /** Issue, rotate and revoke client secrets and private_key_jwt keys. */
  'credentials:write',
  /** Set the fields of the commercial agreement: an application's plan and its 2-legged APIs. */
  'agreement:write',
  'plans:read',
  'plans:write',
] as const;

export type AdminAction = (typeof ACTIONS)[number];

const GRANTS: Record<AdminRole, readonly AdminAction[]> = {
  'operator-admin': ACTIONS,
  'partner-manager': [
    'partners:read',
    'partners:write',
    'applications:read',
    'applications:write',
    'credentials:write',
  ],
  // Reads only, and no secret is ever readable: not even its hash leaves the platform.
  support: ['partners:read', 'applications:read'],
  // Audit and access reports only; the platform has no such route yet, so nothing here.
  auditor: [],
};

export function can(role: AdminRole, action: AdminAction): boolean {
  return GRANTS[role].includes(action);
}

/** Who is calling: from an admin access token or the operator's identity provider (auth.ts). */
export type AdminPrincipal = {
  /** The admin client's id or the identity provider's subject, for the logs. */
  subject: string;
  role: AdminRole;
  /**
   * The partners a partner-manager may touch; undefined: every partner. Another partner's
   * objects answer 404, as if they did not exist (docs/operator.md "Roles").
   */
  partnerIds: readonly string[] | undefined;
};

/** Whether the principal may see and touch the partner's objects at all. */
export function reaches(principal: AdminPrincipal, partnerId: string): boolean {
  return principal.partnerIds === undefined || principal.partnerIds.includes(partnerId);
}
