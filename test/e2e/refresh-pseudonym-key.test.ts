import { base64url } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_ENV, OPERATOR_KEY } from '../support/consent.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, uniquePrefix } from './support/server.js';

/**
 * Red-team finding F8: a restart without PSEUDONYM_KEYS (an ephemeral pseudonym key, so consent
 * records could not be found) made a refresh answer invalid_grant "no legal basis" and revoke
 * its family; once the key was back the consent was valid again, but the family stayed dead.
 * Now the family remembers the pseudonym key its legal basis was found under: without that key
 * the basis cannot be evaluated, which is a temporary refusal that revokes nothing.
 */

const NUMBER = '+34600000009';
const CREDIT = 'dpv:CreditChecking';
const DEMO = { clientId: 'demo-app', secret: 'demo-secret-not-for-production' };
const KEY_A = `kA:${base64url.encode(new Uint8Array(32).fill(42))}`;
const basic = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;

type Tokens = { access_token: string; refresh_token?: string };

function form(url: string, path: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
}

function operator(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const refresh = (url: string, token: string) =>
  form(url, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: token });

async function refreshed(url: string, token: string): Promise<Tokens> {
  const res = await refresh(url, token);
  const body = (await res.json()) as Tokens;
  expect([res.status, typeof body.refresh_token]).toEqual([200, 'string']);
  return body;
}

const check = (url: string, token: string) =>
  fetch(`${url}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });

let running: PlatformProcess | undefined;
afterAll(async () => {
  await running?.stop();
});

describe('F8: a missing pseudonym key is a temporary error, not a revocation', () => {
  it('a refresh while PSEUDONYM_KEYS is missing answers 503 and the family survives the key coming back', async () => {
    // One deployment: shared signing keys, token secret, Redis and issuer across the restarts.
    const env = {
      ...(await deploymentSecrets()),
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: uniquePrefix(),
      PUBLIC_URL: 'http://gateway.test',
      OPERATOR_API_KEYS: OPERATOR_ENV.OPERATOR_API_KEYS,
    };
    const start = async (extra: Record<string, string>) => {
      await running?.stop();
      running = await startProcess({ ...env, ...extra });
      return running.url;
    };

    // With key A: a consent on record, a CIBA grant approved at once, a refresh token.
    let url = await start({ PSEUDONYM_KEYS: KEY_A });
    const imported = await operator(url, '/internal/consents', {
      phoneNumber: NUMBER,
      clientId: DEMO.clientId,
      purpose: CREDIT,
      scopes: ['sim-swap:check'],
    });
    expect(imported.status).toBe(201);
    const started = await form(url, '/oauth2/bc-authorize', {
      login_hint: `tel:${NUMBER}`,
      scope: `offline_access ${CREDIT} sim-swap:check`,
    });
    expect(started.status).toBe(200);
    const { auth_req_id } = (await started.json()) as { auth_req_id: string };
    const poll = await form(url, '/oauth2/token', {
      grant_type: 'urn:openid:params:grant-type:ciba',
      auth_req_id,
    });
    const first = (await poll.json()) as Tokens;
    expect([poll.status, typeof first.refresh_token]).toEqual([200, 'string']);
    const live = await refreshed(url, first.refresh_token as string);

    // Restart without PSEUDONYM_KEYS (an ephemeral key): the consent records cannot be read.
    url = await start({});
    for (let i = 0; i < 2; i++) {
      const refused = await refresh(url, live.refresh_token as string);
      expect([refused.status, refused.headers.get('Retry-After'), await refused.json()]).toEqual([
        503,
        '60',
        { error: 'temporarily_unavailable', error_description: 'the legal basis cannot be evaluated now' },
      ]);
    }
    // Nothing was revoked: the family's access token still passes the token check (the legal
    // basis step then refuses it here, where the consent cannot be read: 403, not 401).
    expect((await check(url, live.access_token)).status).toBe(403);

    // Key A is back: the same refresh token works, and so does the access token it gives.
    url = await start({ PSEUDONYM_KEYS: KEY_A });
    const again = await refreshed(url, live.refresh_token as string);
    expect((await check(url, again.access_token)).status).toBe(200);

    // A consent really withdrawn still ends the family at the next refresh.
    const withdrawn = await operator(url, '/internal/consents/withdraw', {
      phoneNumber: NUMBER,
      clientId: DEMO.clientId,
      purpose: CREDIT,
    });
    expect(withdrawn.status).toBe(200);
    const ended = await refresh(url, again.refresh_token as string);
    expect([ended.status, await ended.json()]).toEqual([
      400,
      { error: 'invalid_grant', error_description: 'no legal basis for this purpose any more' },
    ]);
    // The family is revoked with its access tokens (401 at the token step, before any 403).
    expect((await check(url, again.access_token)).status).toBe(401);
  }, 90_000);
});
