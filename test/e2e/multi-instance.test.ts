import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ENV } from '../support/consent.js';
import { assertionParams, basicAuth, clientAssertion, PURPOSE } from './support/oauth.js';
import {
  consentedTokens,
  CREDIT,
  form,
  onboard,
  operator,
  refresh,
  simSwapCheck,
  type Tokens,
} from './support/platform-calls.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, uniquePrefix } from './support/server.js';

/**
 * Two Node instances (two OS processes) of one deployment on one Redis, as README "Many
 * instances" documents: what one instance counts, consumes, withdraws or revokes holds at once at
 * the other.
 */

const SCOPE = `${PURPOSE} sim-swap:check`;
const PUBLIC_URL = 'http://gateway.test';

let env: Record<string, string>;
let a: PlatformProcess;
let b: PlatformProcess;

beforeAll(async () => {
  env = {
    ...(await deploymentSecrets()),
    ...OPERATOR_ENV,
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: uniquePrefix(),
    PUBLIC_URL,
  };
  [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function clientCredentials(url: string, clientId: string, secret: string): Promise<string> {
  const res = await form(
    url,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope: SCOPE },
    basicAuth(clientId, secret),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as Tokens).access_token;
}

/** Resolves at the start of the next second: the burst window is one wall-clock second. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));

describe('two instances on one Redis', () => {
  it('agree on their settings: neither reports a DEPLOYMENT MISMATCH', () => {
    expect([a.output(), b.output()].map((o) => o.includes('DEPLOYMENT MISMATCH'))).toEqual([false, false]);
  });

  it('share one burst limit: 20 calls a second in total across both, not 40', async () => {
    // The burst window is a wall-clock second, shared by both processes and this one. The 22
    // calls are counted when all fall in one window (seen from here: one second at their start and
    // at their end); on a machine too slow for that, a fresh application tries again.
    for (let attempt = 1; ; attempt++) {
      const client = await onboard(env, { plan: 'sandbox' }); // burst 20 a second
      const token = await clientCredentials(a.url, client.clientId, client.secret);
      // Each instance verifies (and caches) the token once, before the measured window.
      for (const p of [a, b]) expect((await simSwapCheck(p.url, token, '+34600000001')).status).toBe(200);
      await nextSecond();
      const startedAt = Date.now();
      const answers: { instance: string; status: number; body: unknown }[] = [];
      for (let i = 0; i < 22; i++) {
        const p = i % 2 === 0 ? a : b;
        const res = await simSwapCheck(p.url, token, '+34600000001');
        answers.push({ instance: p === a ? 'A' : 'B', status: res.status, body: await res.json() });
      }
      if (Math.floor(startedAt / 1000) !== Math.floor(Date.now() / 1000)) {
        if (attempt < 5) continue;
        throw new Error('22 calls never fitted in one second: the machine is too slow for this test');
      }
      expect(answers.map((x) => x.status)).toEqual([...Array<number>(20).fill(200), 429, 429]);
      // The two refusals: one at each instance, each the CAMARA body.
      expect(answers.slice(20)).toEqual(
        ['A', 'B'].map((instance) => ({
          instance,
          status: 429,
          body: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Rate limit reached.' },
        })),
      );
      return;
    }
  }, 60_000);

  it('refuses at B a private_key_jwt client assertion whose jti was used at A', async () => {
    const client = await onboard(env);
    const assertion = await clientAssertion(client, Date.now(), PUBLIC_URL);
    const params = { grant_type: 'client_credentials', scope: SCOPE, ...assertionParams(assertion) };
    const post = (url: string) =>
      fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
      });
    expect((await post(a.url)).status).toBe(200);
    const replay = await post(b.url);
    expect([replay.status, await replay.json()]).toEqual([
      401,
      { error: 'invalid_client', error_description: 'client authentication failed' },
    ]);
  });

  it('refuses at B the very next call once the consent is withdrawn through A', async () => {
    const number = '+34600000009';
    const tokens = await consentedTokens(a.url, number);
    const before = await simSwapCheck(b.url, tokens.access_token);
    expect(before.status).toBe(200);

    const withdrawn = await operator(a.url, '/internal/consents/withdraw', {
      phoneNumber: number,
      clientId: 'demo-app',
      purpose: CREDIT,
    });
    expect(withdrawn.status).toBe(200);
    const after = await simSwapCheck(b.url, tokens.access_token);
    expect([after.status, await after.json()]).toEqual([
      403,
      {
        status: 403,
        code: 'PERMISSION_DENIED',
        message: 'Client does not have sufficient permissions to perform this action.',
      },
    ]);
  });

  it('detects refresh-token reuse across instances: replayed at B, the family is revoked at both', async () => {
    const tokens = await consentedTokens(a.url, '+34600000005');
    const rotated = await refresh(a.url, tokens.refresh_token as string);
    const next = (await rotated.json()) as Tokens;
    expect([rotated.status, typeof next.refresh_token]).toEqual([200, 'string']);

    const replay = await refresh(b.url, tokens.refresh_token as string);
    expect([replay.status, await replay.json()]).toEqual([
      400,
      { error: 'invalid_grant', error_description: 'refresh token invalid, expired or revoked' },
    ]);
    // The whole family is gone, everywhere: the rotated refresh token and its access token.
    for (const p of [a, b]) {
      const res = await refresh(p.url, next.refresh_token as string);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
      expect((await simSwapCheck(p.url, next.access_token)).status).toBe(401);
    }
  });
});
