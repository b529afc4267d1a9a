import { Hono } from 'hono';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Application } from '../../../src/admin/applications.js';
import { CLIENT_ASSERTION_TYPE } from '../../../src/auth/client-auth.js';
import type { Deps } from '../../../src/deps.js';
import type { Env } from '../../../src/http/env.js';
import { onError } from '../../../src/http/on-error.js';
import { webRuntime } from '../../../src/runtime/web.js';

export const PURPOSE = 'dpv:FraudPreventionAndDetection';

/** A registered test application with its private_key_jwt key pair and a client secret. */
export type TestClient = {
  clientId: string;
  secret: string;
  privateKey: CryptoKey;
  kid: string;
};

/** Onboards an application with a fresh ES256 key pair (private_key_jwt) and a secret. */
export async function registerClient(deps: Deps, overrides: Partial<Application> = {}): Promise<TestClient> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const clientId = overrides.clientId ?? `test-${crypto.randomUUID().slice(0, 8)}`;
  const secret = `secret-${crypto.randomUUID()}`;
  await deps.applications.put({
    clientId,
    name: 'Test application',
    status: 'active',
    plan: 'standard',
    authMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    secretHash: await deps.clientSecrets.hash(secret),
    jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
    grantTypes: ['client_credentials'],
    scopes: ['sim-swap:check', 'sim-swap:retrieve-date', 'sim-swap'],
    purposes: [PURPOSE],
    twoLeggedApis: ['sim-swap'],
    ...overrides,
  });
  return { clientId, secret, privateKey, kid };
}

/** A client assertion (RFC 7523 §2.2) as a well-behaved client signs it; override to break it. */
export async function clientAssertion(
  client: TestClient,
  nowMs: number,
  audience: string | string[],
  claims: JWTPayload = {},
  options: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string | undefined } = {},
): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const kid = 'kid' in options ? options.kid : client.kid;
  return new SignJWT({
    iss: client.clientId,
    sub: client.clientId,
    aud: audience,
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', ...(kid === undefined ? {} : { kid }) })
    .sign(options.key ?? client.privateKey);
}

export const assertionParams = (assertion: string): Record<string, string> => ({
  client_assertion_type: CLIENT_ASSERTION_TYPE,
  client_assertion: assertion,
});

export const basicAuth = (clientId: string, secret: string): string =>
  `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`;

/** A form POST to an authorization-server endpoint. */
export function postForm(
  app: Hono<Env>,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

/** Client credentials with a client secret (Basic): the access token, or the failed response. */
export async function clientCredentialsToken(
  app: Hono<Env>,
  client: Pick<TestClient, 'clientId' | 'secret'>,
  scope = `${PURPOSE} sim-swap:check`,
): Promise<string> {
  const res = await postForm(
    app,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope },
    { authorization: basicAuth(client.clientId, client.secret) },
  );
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** An app around an authorization-server router alone (to mount routes another flow adds). */
export function mountAuthServer(deps: Deps, router: Hono<Env>): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('correlator', 'test');
    c.set('runtime', webRuntime);
    await next();
  });
  app.route('/', router);
  app.onError(onError);
  return app;
}
