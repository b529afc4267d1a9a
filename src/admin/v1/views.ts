import type { Application, Credential } from '../applications.js';
import type { Partner } from '../partners.js';

/**
 * What the admin API answers: the records with RFC 3339 times and without what must not leave
 * the platform (a secret's hash, the legacy `secretHash`). Every role reads through these.
 */
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNone = (ms: number | undefined) => (ms === undefined ? undefined : iso(ms));

export const partnerView = (p: Partner) => ({
  partnerId: p.partnerId,
  name: p.name,
  status: p.status,
  contact: p.contact,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

/** A credential: a secret never by value nor hash; a key by its public set or URL. */
export const credentialView = (c: Credential) => ({
  id: c.id,
  kind: c.kind,
  ...(c.kind === 'key' ? { jwks: c.jwks, jwksUri: c.jwksUri } : {}),
  createdAt: iso(c.createdAt),
  expiresAt: iso(c.expiresAt),
  revokedAt: isoOrNone(c.revokedAt),
});

export const credentialsView = (app: Application) => (app.credentials ?? []).map(credentialView);

export const applicationView = (a: Application) => ({
  clientId: a.clientId,
  partnerId: a.partnerId,
  name: a.name,
  status: a.status,
  plan: a.plan,
  grantTypes: a.grantTypes,
  authMethods: a.authMethods,
  scopes: a.scopes,
  purposes: a.purposes,
  twoLeggedApis: a.twoLeggedApis,
  redirectUris: a.redirectUris,
  jwks: a.jwks,
  jwksUri: a.jwksUri,
  contact: a.contact,
  validFrom: isoOrNone(a.validFrom),
  validUntil: isoOrNone(a.validUntil),
  credentials: credentialsView(a),
});

/** API times (RFC 3339) → record times (ms); undefined stays undefined. */
export const msOf = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));
