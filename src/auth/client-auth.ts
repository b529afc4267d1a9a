import { decodeJwt, jwtVerify } from 'jose';
import type { Application, ClientAuthMethod } from '../admin/applications.js';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { StoreUnavailableError } from '../store/port.js';
import { ASSERTION_ALGS, checkAssertionTimes, CLOCK_SKEW_S, keySetOf } from './assertion-rules.js';
import { chargeClient, type LimitedEndpoint } from './endpoint-limits.js';
import { applicationKeys } from '../store/keys.js';
import { liveSecretHashes } from '../admin/v1/credentials.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The client authentication methods this server implements (each client is allowed a subset). */
export const CLIENT_AUTH_METHODS = [
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
] as const satisfies readonly ClientAuthMethod[];

type Presented = { method: ClientAuthMethod; clientId: string; secret?: string; assertion?: string };

/**
 * RFC 6749 §5.2: invalid_client is answered 401 with the HTTP scheme the server supports
 * (RFC 9110 §11.6.1: a 401 carries a challenge); one description whatever the failed check.
 */
export const invalidClient = (description = 'client authentication failed') =>
  new OAuthError('invalid_client', description, { 'WWW-Authenticate': 'Basic realm="camara"' });

/** private_key_jwt: `aud` is the endpoint's URL or the issuer (ICM client authentication). */
export const audiencesOf = (deps: Deps, endpoint: LimitedEndpoint) => {
  const issuer = deps.config.publicUrl;
  return [`${issuer}${endpoint}`, issuer];
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
  options: { allowSuspended?: boolean } = {},
): Promise<Application> {
  const app = await authenticate(deps, audiencesOf(deps, endpoint), authorization, form, options);
  await chargeClient(deps, endpoint, app.clientId);
  return app;
}

async function authenticate(
  deps: Deps,
  audiences: readonly string[],
  authorization: string | undefined,
  form: Map<string, string>,
  options: { allowSuspended?: boolean },
): Promise<Application> {
  const presented = present(authorization, form);
  const fail = (reason: string) => {
    deps.logger.info('client authentication failed', { clientId: presented.clientId.slice(0, 128), reason });
    return invalidClient();
  };
  const app = await deps.applications.get(presented.clientId);
  // A refresh by a suspended application is refused with invalid_grant by the grant itself (ICM §7.5).
  const usable = app !== null && (app.status === 'active' || options.allowSuspended === true);
  if (app !== null && !usable) deps.metrics.applicationRefused(app.clientId, app.status, 'oauth');
  const allowed = usable && app.authMethods.includes(presented.method);
  if (presented.method === 'private_key_jwt') {
    if (!allowed) throw fail('unknown, inactive or method not allowed');
    await verifyAssertion(deps, app, presented.assertion as string, audiences).catch((e: unknown) => {
      if (e instanceof OAuthError || e instanceof StoreUnavailableError) throw e;
      throw fail(e instanceof Error ? e.message : 'invalid assertion');
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
  return app;
}

function present(authorization: string | undefined, form: Map<string, string>): Presented {
  const assertion = form.get('client_assertion');
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const methods = [basic, form.has('client_secret'), assertion !== undefined];
  if (methods.filter(Boolean).length > 1) {
    throw new OAuthError('invalid_request', 'more than one client authentication method');
  }
  if (assertion !== undefined) {
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', 'unsupported client_assertion_type');
    }
    let iss: unknown;
    try {
      iss = decodeJwt(assertion).iss;
    } catch {
      throw invalidClient();
    }
    // RFC 7523 §3: iss is the client; a client_id parameter, when sent, must name the same one.
    if (typeof iss !== 'string' || (form.has('client_id') && form.get('client_id') !== iss)) {
      throw invalidClient();
    }
    return { method: 'private_key_jwt', clientId: iss, assertion };
  }
  if (basic) {
    const decoded = decodeBasic((authorization as string).slice(6));
    if (decoded === null || (form.has('client_id') && form.get('client_id') !== decoded.clientId)) {
      throw invalidClient();
    }
    return { method: 'client_secret_basic', ...decoded };
  }
  const clientId = form.get('client_id');
  if (clientId !== undefined && form.has('client_secret')) {
    return { method: 'client_secret_post', clientId, secret: form.get('client_secret') as string };
  }
  throw invalidClient('client authentication required');
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64. */
function decodeBasic(value: string): { clientId: string; secret: string } | null {
  try {
    const text = atob(value.trim());
    const i = text.indexOf(':');
    if (i < 0) return null;
    return { clientId: decodeURIComponent(text.slice(0, i)), secret: decodeURIComponent(text.slice(i + 1)) };
  } catch {
    return null;
  }
}

async function verifyAssertion(
  deps: Deps,
  app: Application,
  assertion: string,
  audiences: readonly string[],
) {
  if (!app.jwks) throw new Error('no registered keys');
  const now = deps.clock.now() / 1000;
  const { payload } = await jwtVerify(assertion, keySetOf(app.jwks), {
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
  const fresh = await deps.store.setIfAbsent(
    applicationKeys.assertionJti(app.clientId, String(payload.jti)),
    '1',
    Math.max(1000, (exp - now) * 1000 + 5000),
  );
  if (!fresh) throw new Error('replayed assertion');
}
