import { jwtVerify } from 'jose';
import type { Application, ClientAuthMethod } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { StoreUnavailableError } from '../store/port.js';
import { issuedBeforeCutoff, readStanding } from './application-status.js';
import {
  ASSERTION_ALGS,
  checkAssertionTimes,
  CLOCK_SKEW_S,
  MAX_ASSERTION_LIFETIME_S,
} from './assertion-rules.js';
import { clientKeys } from './client-keys.js';
import { invalidClient, present } from './client-presented.js';
import {
  chargeClient,
  ReplayedAssertion,
  type ClientAttempt,
  type LimitedEndpoint,
  type SingleUseClaim,
} from './endpoint-limits.js';
import { applicationKeys } from '../store/keys.js';
import { liveSecretHashes } from '../admin/v1/credentials.js';

export { CLIENT_ASSERTION_TYPE, invalidClient } from './client-presented.js';
/** The client authentication methods this server implements (each client is allowed a subset). */
export const CLIENT_AUTH_METHODS = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
] as const satisfies readonly ClientAuthMethod[];

/** private_key_jwt: `aud` is the endpoint's URL or the issuer (ICM client authentication). */
export const audiencesOf = (deps: Deps, endpoint: LimitedEndpoint) => {
  const issuer = deps.config.publicUrl;
  return [`${issuer}${endpoint}`, issuer];
};

export type AuthenticateOptions = {
  allowSuspended?: boolean;
  /**
   * This request's failure reservation (endpointLimits): the record of the client it names was
   * read with it, and giving it back joins the client's charge, one round trip for both.
   */
  attempt?: ClientAttempt | undefined;
};

/**
 * Authenticates the client of a request to `endpoint`: private_key_jwt (RFC 7523 §2.2), or
 * client_secret_basic / client_secret_post only where the application's record allows it, then
 * charges that client's own budget at the endpoint (only now: a request that merely names a
 * client never spends its budget). Every failure is the same `invalid_client`, so the answer
 * reveals nothing about which check failed, nor whether the client exists.
 */
export async function authenticateClient(
  deps: Deps,
  endpoint: LimitedEndpoint,
  authorization: string | undefined,
  form: Map<string, string>,
  options: AuthenticateOptions = {},
): Promise<Application> {
  const { attempt } = options;
  const presented = attempt?.named?.presented ?? present(authorization, form);
  const fail = (reason: string) => {
    deps.logger.info('client authentication failed', { clientId: presented.clientId.slice(0, 128), reason });
    return invalidClient();
  };
  // Read fresh (kill switch): a suspension refuses the very next token request, on every instance.
  // The record may have come with the failure reservation's round trip; the partner's follows it.
  // A refresh by a suspended application is refused with invalid_grant by the grant itself (ICM §7.5).
  const standing = await readStanding(
    deps,
    presented.clientId,
    options.allowSuspended ? undefined : 'oauth',
    {
      app: attempt?.named?.app,
    },
  );
  const app = standing.app;
  const usable = app !== null && (standing.refusal === undefined || options.allowSuspended === true);
  const allowed = usable && app.authMethods.includes(presented.method);
  if (presented.method === 'private_key_jwt') {
    if (!allowed) throw fail('unknown, inactive or method not allowed');
    const { claim, signedAt } = await verifyAssertion(
      deps,
      app,
      presented.assertion as string,
      audiencesOf(deps, endpoint),
    ).catch((e: unknown) => {
      if (e instanceof OAuthError || e instanceof StoreUnavailableError) throw e;
      throw fail(e instanceof Error ? e.message : 'invalid assertion');
    });
    // Kill switch: an unused assertion signed before a suspension does not outlive its resume.
    if (issuedBeforeCutoff(signedAt, standing))
      throw fail('assertion signed before a suspension of the client');
    // The jti is claimed with the charge: a replay is refused before the client is charged, and
    // its failure reservation stays counted (the batch stops at the refused claim).
    await chargeClient(deps, endpoint, app.clientId, { attempt, claim }).catch((e: unknown) => {
      if (e instanceof ReplayedAssertion) throw fail('replayed assertion');
      throw e;
    });
    return app;
  }
  // Secrets: at least one HMAC even for an unknown client (the same work, no oracle on client
  // ids), and every live secret checked, without stopping at a match (rotation: several live).
  const hashes = allowed ? liveSecretHashes(app, deps.clock.now()) : [];
  let matched: { hash: string; rehash: string | undefined } | undefined;
  for (const hash of hashes.length > 0 ? hashes : [deps.clientSecrets.decoy]) {
    const check = await deps.clientSecrets.verify(presented.secret ?? '', hash);
    if (check.matches && matched === undefined) matched = { hash, rehash: check.rehash };
  }
  if (!allowed || hashes.length === 0 || matched === undefined)
    throw fail('unknown, inactive, method not allowed, or no live secret matches');
  if (matched.rehash !== undefined && matched.hash === app.secretHash) {
    // A legacy PBKDF2 record: replaced by the HMAC form on its first successful use.
    await deps.applications
      .upgradeSecretHash(app.clientId, app.secretHash, matched.rehash)
      .catch((error: unknown) => deps.logger.warn('client secret not migrated', { error: String(error) }));
  }
  await chargeClient(deps, endpoint, app.clientId, { attempt });
  return app;
}

/**
 * The assertion's signature and claims; its `jti`, single use, is for the caller to claim.
 * `signedAt`: its `iat`, or without one the earliest a conformant assertion can have been signed
 * (ICM: at most 300 s before its `exp`).
 */
async function verifyAssertion(
  deps: Deps,
  app: Application,
  assertion: string,
  audiences: readonly string[],
): Promise<{ claim: SingleUseClaim; signedAt: number }> {
  const keys = clientKeys(deps, app);
  const now = deps.clock.now() / 1000;
  // A jwks_uri that cannot be fetched fails here, as invalid_client (authenticate logs why).
  const { payload } = await jwtVerify(assertion, keys, {
    issuer: app.clientId,
    subject: app.clientId,
    audience: [...audiences],
    algorithms: ASSERTION_ALGS,
    currentDate: new Date(now * 1000),
    // jose applies its tolerance to nbf and exp alike; checkAssertionTimes re-checks exp strictly.
    clockTolerance: CLOCK_SKEW_S,
    requiredClaims: ['exp', 'jti'],
  });
  const problem = checkAssertionTimes(payload, now);
  if (problem !== undefined) throw new Error(problem);
  const exp = payload.exp as number;
  // RFC 7523 §3: the jti is single use within the assertion's lifetime.
  return {
    claim: {
      key: applicationKeys.assertionJti(app.clientId, String(payload.jti)),
      ttlMs: Math.max(1000, (exp - now) * 1000 + 5000),
    },
    signedAt: payload.iat ?? exp - MAX_ASSERTION_LIFETIME_S,
  };
}
