import type { Context, MiddlewareHandler } from 'hono';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { Deps } from '../../deps.js';
import { ApiError } from '../../errors.js';
import type { Env } from '../../http/env.js';
import { requestHeader } from '../../http/request-header.js';
import { SIGNING_ALG } from '../../auth/keys.js';
import { adminKeys } from '../../store/keys.js';
import { StoreUnavailableError } from '../../store/port.js';
import { adminAudience } from './admin-token.js';
import { ADMIN_ROLES, type AdminAction, type AdminPrincipal, type AdminRole, can } from './roles.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
/** The identity provider's asymmetric algorithms: never `none` nor HS* (its JWKS is public). */
const IDP_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** One 401 whatever failed (missing, expired, revoked, tampered, wrong audience), as on the APIs. */
const unauthenticated = () =>
  new ApiError('UNAUTHENTICATED', undefined, {
    'WWW-Authenticate': 'Bearer realm="admin", error="invalid_token"',
  });

/** One remote key set per JWKS URL: jose caches the keys and refetches on an unknown kid. */
const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteSet(url: string) {
  let set = remoteSets.get(url);
  if (set === undefined) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    remoteSets.set(url, set);
  }
  return set;
}

/**
 * Authenticates every admin call: an admin access token from this platform's token endpoint
 * (audience `<PUBLIC_URL>/admin`), or a JWT from the operator's identity provider (ADMIN_IDP_*).
 * A developer's access token has another audience and is refused like any bad token.
 */
export const adminAuth: MiddlewareHandler<Env> = async (c, next) => {
  const match = BEARER.exec(requestHeader(c, 'authorization') ?? '');
  if (match === null) throw unauthenticated();
  const deps = c.get('deps');
  let principal: AdminPrincipal;
  try {
    principal = await verify(deps, match[1] as string);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    deps.logger.info('admin authentication failed', { reason: String(error) });
    throw unauthenticated();
  }
  c.set('admin', principal);
  await next();
};

async function verify(deps: Deps, token: string): Promise<AdminPrincipal> {
  const { iss } = decodeJwt(token);
  const { publicUrl, admin } = deps.config;
  const currentDate = new Date(deps.clock.now());
  let payload: JWTPayload;
  let principal: AdminPrincipal;
  if (iss === publicUrl) {
    ({ payload } = await jwtVerify(token, deps.keys.verifyKey, {
      issuer: publicUrl,
      audience: adminAudience(publicUrl),
      typ: 'at+jwt',
      algorithms: [SIGNING_ALG],
      currentDate,
      requiredClaims: ['exp', 'jti', 'sub'],
    }));
    // The configuration, not the token, says what the client may do now: a client removed or
    // demoted by the operator loses its reach at once, not at its token's expiry.
    const client = admin.clients.find((cl) => cl.clientId === payload.sub);
    if (client === undefined) throw new Error('admin client no longer configured');
    principal = { subject: client.clientId, role: client.role, partnerIds: client.partnerIds };
  } else if (admin.idp !== undefined && iss === admin.idp.issuer) {
    ({ payload } = await jwtVerify(token, remoteSet(admin.idp.jwksUrl), {
      issuer: admin.idp.issuer,
      audience: admin.idp.audience,
      algorithms: IDP_ALGS,
      currentDate,
      requiredClaims: ['exp', 'sub'],
    }));
    principal = fromIdp(payload, admin.idp.roleClaim, admin.idp.partnersClaim);
  } else throw new Error('unknown issuer');
  if (payload.jti !== undefined && (await deps.store.get(adminKeys.revokedToken(payload.jti))) !== null)
    throw new Error('revoked');
  return principal;
}

function fromIdp(payload: JWTPayload, roleClaim: string, partnersClaim: string): AdminPrincipal {
  const role = payload[roleClaim];
  if (typeof role !== 'string' || !(ADMIN_ROLES as readonly string[]).includes(role))
    throw new Error('no admin role');
  const partners = payload[partnersClaim];
  if (partners !== undefined && !(Array.isArray(partners) && partners.every((p) => typeof p === 'string')))
    throw new Error('bad partner list');
  return {
    subject: String(payload.sub),
    role: role as AdminRole,
    partnerIds: partners as string[] | undefined,
  };
}

/** The route's permission check: 403 PERMISSION_DENIED for a role that lacks the action. */
export function requires(action: AdminAction): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (!can(c.get('admin').role, action)) throw new ApiError('PERMISSION_DENIED');
    await next();
  };
}

/** Revokes the caller's own token (DELETE /admin/v1/session) until it would have expired. */
export async function revokeOwnToken(c: Context<Env>): Promise<void> {
  const deps = c.get('deps');
  const token = (BEARER.exec(requestHeader(c, 'authorization') ?? '') as RegExpExecArray)[1] as string;
  const { jti, exp } = decodeJwt(token);
  if (jti === undefined || exp === undefined)
    throw new ApiError('FAILED_PRECONDITION', 'This token has no id to revoke.');
  const ttlMs = exp * 1000 - deps.clock.now();
  if (ttlMs > 0) await deps.store.set(adminKeys.revokedToken(jti), '1', ttlMs);
}
