import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  resumeApplication,
  resumePartner,
  suspendApplication,
  suspendPartner,
} from '../../src/admin/kill-switch.js';
import type { Deps } from '../../src/deps.js';
import { OPERATOR_ENV } from '../support/consent.js';
import { controlPlane } from './support/control-plane.js';
import { basicAuth, PURPOSE } from './support/oauth.js';
import {
  consentedTokens,
  form,
  onboard,
  refresh,
  simSwapCheck,
  type Tokens,
} from './support/platform-calls.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, uniquePrefix } from './support/server.js';

/**
 * The kill switch across two Node instances (two OS processes) of one deployment on one real
 * Redis: a suspension written once, by the operator's control plane, refuses the application at
 * both instances on their very next request, though both served it a moment before (every
 * in-process cache warm).
 */

const SCOPE = `${PURPOSE} sim-swap:check`;
const NUMBER = '+34600000001';
const UNAUTHENTICATED = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message:
    'Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.',
};

let env: Record<string, string>;
let a: PlatformProcess;
let b: PlatformProcess;
let operator: { deps: Deps; close(): Promise<void> };

beforeAll(async () => {
  env = {
    ...(await deploymentSecrets()),
    ...OPERATOR_ENV,
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: uniquePrefix(),
    PUBLIC_URL: 'http://gateway.test',
  };
  [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
  operator = await controlPlane(env);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop(), operator?.close()]);
});

async function clientCredentials(url: string, client: { clientId: string; secret: string }) {
  return form(
    url,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope: SCOPE },
    basicAuth(client.clientId, client.secret),
  );
}

async function accessToken(url: string, client: { clientId: string; secret: string }): Promise<string> {
  const res = await clientCredentials(url, client);
  expect(res.status).toBe(200);
  return ((await res.json()) as Tokens).access_token;
}

async function expectRefused(url: string, token: string) {
  const res = await simSwapCheck(url, token, NUMBER);
  expect([res.status, await res.json()]).toEqual([401, UNAUTHENTICATED]);
}

async function expectInvalidClient(url: string, client: { clientId: string; secret: string }) {
  const res = await clientCredentials(url, client);
  expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
}

describe('kill switch across two instances on one Redis', () => {
  it('refuses at both instances the very next call and token request of a suspended application', async () => {
    const client = await onboard(env);
    const token = await accessToken(a.url, client);
    for (const p of [a, b]) expect((await simSwapCheck(p.url, token, NUMBER)).status).toBe(200);
    await suspendApplication(operator.deps, client.clientId);
    for (const p of [b, a]) {
      await expectRefused(p.url, token);
      await expectInvalidClient(p.url, client);
    }
  });

  it('on resume serves new tokens at both, and keeps refusing the tokens issued before', async () => {
    const client = await onboard(env);
    const old = await accessToken(b.url, client);
    await suspendApplication(operator.deps, client.clientId);
    // The cut-off lies one second past the suspension (src/admin/kill-switch.ts).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await resumeApplication(operator.deps, client.clientId);
    const fresh = await accessToken(a.url, client);
    for (const p of [a, b]) {
      await expectRefused(p.url, old);
      expect((await simSwapCheck(p.url, fresh, NUMBER)).status).toBe(200);
    }
  });

  it("refuses a suspended application's refresh with invalid_grant at the other instance", async () => {
    const tokens = await consentedTokens(a.url, '+34600000007');
    await suspendApplication(operator.deps, 'demo-app');
    try {
      const res = await refresh(b.url, tokens.refresh_token as string);
      expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
      await expectRefused(b.url, tokens.access_token);
    } finally {
      await resumeApplication(operator.deps, 'demo-app');
    }
  });

  it('refuses at both instances every application of a suspended partner with one write', async () => {
    const now = Date.now();
    await operator.deps.partners.put({
      partnerId: 'acme',
      name: 'Acme',
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    const first = await onboard(env, { partnerId: 'acme' });
    const second = await onboard(env, { partnerId: 'acme' });
    const other = await onboard(env);
    const tokens = [
      await accessToken(a.url, first),
      await accessToken(a.url, second),
      await accessToken(a.url, other),
    ];
    for (const p of [a, b])
      for (const t of tokens) expect((await simSwapCheck(p.url, t, NUMBER)).status).toBe(200);
    await suspendPartner(operator.deps, 'acme');
    for (const p of [b, a]) {
      await expectRefused(p.url, tokens[0] as string);
      await expectRefused(p.url, tokens[1] as string);
      expect((await simSwapCheck(p.url, tokens[2] as string, NUMBER)).status).toBe(200);
      await expectInvalidClient(p.url, second);
    }
    await resumePartner(operator.deps, 'acme');
    await expectRefused(b.url, tokens[0] as string);
  });
});
