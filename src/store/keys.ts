/**
 * Every store key the platform writes, in one place, so that the Redis Cluster rule is easy to
 * check: each key carries a hash tag (`{...}`, the only part Redis Cluster hashes), and the tag
 * names the entity that owns the key. Keys used together share their owner, hence their slot;
 * different owners spread across the cluster's slots. docs/operations.md "Redis Cluster".
 *
 *   owner                   tag                     keys
 *   application             {c:<clientId>}          registry record, plan limiter counters, endpoint
 *                                                   limits, assertion jti, revoked access tokens
 *   subscriber (pseudonym)  {s:<pseudonym>}         consent records and opt-outs (every application),
 *                                                   pending capture, capture budget
 *   source address          {a:<address>}           the address's request and failure counters
 *   one grant or request    {g:<id or hash>}        authorization code + its redemption, pending
 *                                                   authorization, CIBA request, consent request +
 *                                                   its decision
 *   refresh token           {t:<hash>}              the token + its used marker (found by the token)
 *   refresh family          {f:<familyId>}          the family's live token + its access tokens
 *   partner                 {p:<partnerId>}         the partner's record
 *   registry                {registry}              the registry marker, the registry's indexes
 *   deployment              {deployment}            the instances' shared-settings fingerprint
 *
 * What must share one slot: the counters of one `hit`/`unhit` (one Lua script), which
 * `counterKey` (port.ts) keeps under the limiter key's tag. Nothing else is multi-key: every other
 * store call reads or writes one key. A protected call (DESIGN §2) reads the application's slot
 * (record + limiter + revocation), its partner's (record: the kill switch) and the subscriber's
 * (legal basis): up to three slots, read concurrently.
 *
 * Values that go into a tag are URI-encoded, so a `{` or `}` inside them cannot end it early.
 */

const tag = (kind: string, id: string) => `{${kind}:${encodeURIComponent(id)}}`;
const client = (clientId: string) => tag('c', clientId);
const subscriber = (subject: string) => tag('s', subject);
const grant = (id: string) => tag('g', id);

export const applicationKeys = {
  record: (clientId: string) => `app:${client(clientId)}`,
  /** The limiter key of the application's plan (burst and quota counters). */
  limiter: (clientId: string) => `rl-app:${client(clientId)}`,
  /** Requests per minute of one authorization-server endpoint. */
  endpointLimiter: (endpoint: string, clientId: string) => `oauth:${client(clientId)}:${endpoint}`,
  /** RFC 7523 §3: a client assertion's `jti`, single use. */
  assertionJti: (clientId: string, jti: string) => `jti:${client(clientId)}:${jti}`,
  /** A revoked or spent access token: beside the limiter, both read on every protected call. */
  revokedToken: (clientId: string, jti: string) => `revoked:${client(clientId)}:${jti}`,
  registryMarker: 'app-registry:{registry}',
} as const;

const partner = (partnerId: string) => tag('p', partnerId);

export const partnerKeys = {
  record: (partnerId: string) => `partner:${partner(partnerId)}`,
} as const;

/**
 * The admin API's listings (admin/v1/): index sets of ids beside the records, under the registry's
 * tag. Each store call touches one of them only, so a cluster serves them from one slot.
 */
export const registryKeys = {
  partners: 'partner-index:{registry}',
  applicationsOf: (partnerId: string) => `application-index:{registry}:${encodeURIComponent(partnerId)}`,
  /** The rate-limit plans as the operator set them through the admin API (admin/v1/plans.ts). */
  plans: 'plans:{registry}',
} as const;

/** The operator's admin clients and sessions (admin/v1/): one tag, they are few and rarely used. */
export const adminKeys = {
  /** RFC 7523 §3: an admin client's assertion `jti`, single use. */
  assertionJti: (clientId: string, jti: string) => `admin-jti:{admin}:${encodeURIComponent(clientId)}:${jti}`,
  /** An admin token revoked before its expiry (DELETE /admin/v1/session). */
  revokedToken: (jti: string) => `admin-revoked:{admin}:${jti}`,
} as const;

export const deploymentKeys = {
  /** What every instance must share (deployment-fingerprint.ts), never a secret: one key of its own. */
  fingerprint: 'deployment-fingerprint:{deployment}',
} as const;

export const subscriberKeys = {
  consent: (subject: string, clientId: string, purpose: string) =>
    `consent:${subscriber(subject)}:${encodeURIComponent(clientId)}:${purpose}`,
  pendingConsent: (subject: string, clientId: string, purpose: string) =>
    `consent-pending:${subscriber(subject)}:${encodeURIComponent(clientId)}:${purpose}`,
  captureBudget: (subject: string, clientId: string) =>
    `consent-capture:${subscriber(subject)}:${encodeURIComponent(clientId)}`,
} as const;

export const addressKeys = {
  /** The limiter key of one source address before authentication. */
  limiter: (address: string) => `oauth-src:${tag('a', address)}`,
} as const;

export const grantKeys = {
  code: (hash: string) => `authz-code:${grant(hash)}`,
  codeUsed: (hash: string) => `authz-code-used:${grant(hash)}`,
  pendingAuthorization: (id: string) => `authz-pending:${grant(id)}`,
  ciba: (hash: string) => `ciba:${grant(hash)}`,
  consentRequest: (id: string) => `consent-req:${grant(id)}`,
  consentDecided: (id: string) => `consent-decided:${grant(id)}`,
} as const;

export const refreshKeys = {
  token: (hash: string) => `rt:${tag('t', hash)}`,
  used: (hash: string) => `rt-used:${tag('t', hash)}`,
  /** The hash of the one live token of a family; deleting it kills the family. */
  family: (familyId: string) => `rt-family:${tag('f', familyId)}`,
  /** The live access tokens issued under a family, revoked with it (RFC 7009 §2.1). */
  familyAccess: (familyId: string) => `rt-family-at:${tag('f', familyId)}`,
} as const;

/**
 * The hash tag of a key as Redis Cluster reads it: what lies between the first `{` and the first
 * `}` after it, when that is not empty. Undefined when the key has none (the whole key is hashed).
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}
