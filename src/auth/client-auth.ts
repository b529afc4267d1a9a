import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Application, ClientAuthMethod } from '../admin/applications.js';
import { verifySecret } from '../admin/secrets.js';
import type { Deps } from '../deps.js';
import { OAuthError } from '../errors.js';
import { StoreUnavailableError } from '../store/port.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** ICM: the assertion lifetime is at most 300 s. */
export const MAX_ASSERTION_LIFETIME_S = 300;
export const ASSERTION_ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

type Presented = { method: ClientAuthMethod; clientId: string; secret?: string; assertion?: string };

/**
 * Authenticates the client of a token-endpoint request: private_key_jwt (RFC 7523 §2.2),
 * or client_secret_basic / client_secret_post only where the application's record allows it.
 * Every failure is the same `invalid_client`, so the answer reveals nothing about which check failed.
 */
export async function authenticateClient(
  deps: Deps,
  authorization: string | undefined,
  form: Map<string, string>,
  audiences: readonly string[],
): Promise<Application> {
  const presented = present(authorization, form);
  const fail = () =>
    new OAuthError(
      'invalid_client',
      'client authentication failed',
      presented.method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="camara"' } : {},
    );
  const app = await deps.applications.get(presented.clientId);
  if (app === null || app.status !== 'active' || !app.authMethods.includes(presented.method)) throw fail();
  if (presented.method === 'private_key_jwt') {
    await verifyAssertion(deps, app, presented.assertion as string, audiences).catch((e: unknown) => {
      throw e instanceof OAuthError || e instanceof StoreUnavailableError ? e : fail();
    });
  } else if (!app.secretHash || !(await verifySecret(presented.secret ?? '', app.secretHash))) {
    throw fail();
  }
  return app;
}

function present(authorization: string | undefined, form: Map<string, string>): Presented {
  const assertion = form.get('client_assertion');
  const methods = [authorization?.startsWith('Basic '), form.has('client_secret'), assertion !== undefined];
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
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
    if (typeof iss !== 'string' || (form.has('client_id') && form.get('client_id') !== iss)) {
      throw new OAuthError('invalid_client', 'client authentication failed');
    }
    return { method: 'private_key_jwt', clientId: iss, assertion };
  }
  if (authorization?.startsWith('Basic ')) {
    const decoded = decodeBasic(authorization.slice(6));
    if (decoded === null) throw new OAuthError('invalid_client', 'client authentication failed');
    return { method: 'client_secret_basic', ...decoded };
  }
  const clientId = form.get('client_id');
  if (clientId !== undefined && form.has('client_secret')) {
    return { method: 'client_secret_post', clientId, secret: form.get('client_secret') as string };
  }
  throw new OAuthError('invalid_client', 'client authentication required', {
    'WWW-Authenticate': 'Basic realm="camara"',
  });
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
  const { payload } = await jwtVerify(assertion, createLocalJWKSet(app.jwks), {
    issuer: app.clientId,
    subject: app.clientId,
    audience: [...audiences],
    algorithms: ASSERTION_ALGS,
    currentDate: new Date(now * 1000),
    requiredClaims: ['exp', 'jti'],
  });
  const exp = payload.exp as number;
  // ICM: reject when exp > receipt + 300 s, or exp − iat > 300 s.
  if (exp > now + MAX_ASSERTION_LIFETIME_S) throw new Error('assertion lifetime too long');
  if (payload.iat !== undefined && exp - payload.iat > MAX_ASSERTION_LIFETIME_S) throw new Error('lifetime');
  if (payload.iat !== undefined && payload.iat > now + 5) throw new Error('issued in the future');
  // RFC 7523 §3: the jti is single use within the assertion's lifetime.
  const fresh = await deps.store.setIfAbsent(
    `jti:${app.clientId}:${String(payload.jti)}`,
    '1',
    Math.max(1000, (exp - now) * 1000 + 5000),
  );
  if (!fresh) throw new Error('replayed assertion');
}
