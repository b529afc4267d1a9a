import { buildDeps } from '../../../src/bootstrap.js';
import { parseConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { RedisStore } from '../../../src/store/redis.js';
import { OPERATOR_KEY } from '../../support/consent.js';
import { registerClient, type TestClient } from './oauth.js';

/**
 * HTTP calls to a platform running in another process (test/e2e/support/process.ts), as the
 * tests of a deployment of several instances make them: the sandbox's demo-app, the operator API,
 * CIBA with a consent on record (approved at once), refresh, SIM Swap.
 */

export const CREDIT = 'dpv:CreditChecking';
export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const DEMO_BASIC = `Basic ${btoa('demo-app:demo-secret-not-for-production')}`;

export type Tokens = { access_token: string; refresh_token?: string };

export function form(
  url: string,
  path: string,
  params: Record<string, string>,
  authorization = DEMO_BASIC,
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
}

export function operator(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A SIM Swap check: 3-legged (the token names the number) unless `phoneNumber` is given. */
export const simSwapCheck = (url: string, token: string, phoneNumber?: string): Promise<Response> =>
  fetch(`${url}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(phoneNumber === undefined ? {} : { phoneNumber }),
  });

export const refresh = (url: string, token: string): Promise<Response> =>
  form(url, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: token });

/**
 * demo-app's consent to CREDIT for `number`, imported by the operator, then a CIBA grant that the
 * consent on record approves at once: an access token and a refresh token.
 */
export async function consentedTokens(url: string, number: string): Promise<Tokens> {
  const imported = await operator(url, '/internal/consents', {
    phoneNumber: number,
    clientId: 'demo-app',
    purpose: CREDIT,
    scopes: ['sim-swap:check'],
  });
  if (imported.status !== 201) throw new Error(`consent import: ${imported.status} ${await imported.text()}`);
  return cibaTokens(url, number);
}

export async function cibaTokens(url: string, number: string): Promise<Tokens> {
  const started = await form(url, '/oauth2/bc-authorize', {
    login_hint: `tel:${number}`,
    scope: `offline_access ${CREDIT} sim-swap:check`,
  });
  if (started.status !== 200) throw new Error(`bc-authorize: ${started.status} ${await started.text()}`);
  const { auth_req_id } = (await started.json()) as { auth_req_id: string };
  const poll = await form(url, '/oauth2/token', {
    grant_type: 'urn:openid:params:grant-type:ciba',
    auth_req_id,
  });
  if (poll.status !== 200) throw new Error(`CIBA poll: ${poll.status} ${await poll.text()}`);
  return (await poll.json()) as Tokens;
}

/**
 * Onboards an application straight into the deployment's Redis, as the operator's onboarding
 * does: the records every instance reads, its secret hashed under the shared TOKEN_SECRET.
 */
export async function onboard(
  env: Record<string, string>,
  overrides: Parameters<typeof registerClient>[1] = {},
): Promise<TestClient> {
  const store = new RedisStore({ url: env.REDIS_URL as string, keyPrefix: env.REDIS_KEY_PREFIX as string });
  await store.connect();
  try {
    const config = parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
    const deps = await buildDeps(config, { store, logger: silentLogger });
    return await registerClient(deps, overrides);
  } finally {
    await store.close();
  }
}
