import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { RateLimitResult, RateLimitRule, StoreOp, StoreReply } from '../../src/store/port.js';
import {
  assertionParams,
  basicAuth,
  clientAssertion,
  postForm,
  PURPOSE,
  registerClient,
} from '../e2e/support/oauth.js';
import { testPlatform } from '../support/app.js';

const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };
const TOKEN_URL = 'http://gateway.test/oauth2/token';
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

/** The memory engine, recording every call the platform makes to it (one call, one round trip). */
class RecordingStore extends MemoryStore {
  calls: string[] = [];

  override async batch(ops: readonly StoreOp[]): Promise<StoreReply[]> {
    this.calls.push(`batch ${ops.map((o) => o.op).join(',')}`);
    return super.batch(ops);
  }

  override async get(key: string): Promise<string | null> {
    this.calls.push('get');
    return super.get(key);
  }

  override async hit(key: string, rules: readonly RateLimitRule[], now: number): Promise<RateLimitResult> {
    this.calls.push('hit');
    return super.hit(key, rules, now);
  }

  override async unhit(key: string, rules: readonly RateLimitRule[], now: number): Promise<void> {
    this.calls.push('unhit');
    return super.unhit(key, rules, now);
  }

  override async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.calls.push('setIfAbsent');
    return super.setIfAbsent(key, value, ttlMs);
  }
}

async function platform(env: Record<string, string> = {}) {
  const clock = new ManualClock();
  const store = new RecordingStore(clock);
  const p = await testPlatform({ store, clock, env });
  const client = await registerClient(p.deps);
  store.calls = [];
  return { p, client, store };
}

describe('token request: store round trips (DESIGN §2 budget, endpoint-limits.ts)', () => {
  it('client_secret_basic: the reservation with the client record, then the charge with the give-back', async () => {
    const { p, client, store } = await platform();
    const res = await postForm(p.app, '/oauth2/token', GRANT, {
      authorization: basicAuth(client.clientId, client.secret),
    });
    expect(res.status).toBe(200);
    // The reads: the client's record and the registry marker (applications.ts).
    expect(store.calls).toEqual(['batch hit,get,get', 'batch hit,unhit']);
  });

  it('private_key_jwt: the jti claimed in the same round trip as the charge and the give-back', async () => {
    const { p, client, store } = await platform();
    const assertion = await clientAssertion(client, p.clock.now(), TOKEN_URL);
    const res = await postForm(p.app, '/oauth2/token', { ...GRANT, ...assertionParams(assertion) });
    expect(res.status).toBe(200);
    expect(store.calls).toEqual(['batch hit,get,get', 'batch claim,hit,unhit']);
  });

  it('a malformed request after the reservation gets it back on its own (not a credential failure)', async () => {
    const { p, client, store } = await platform();
    const res = await postForm(
      p.app,
      '/oauth2/token',
      { grant_type: 'password' },
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(res.status).toBe(400);
    expect(store.calls).toEqual(['batch hit,get,get', 'unhit']);
  });
});

describe('a replayed private_key_jwt assertion', () => {
  it('stays counted as a failed authentication and charges nothing to the client', async () => {
    const { p, client } = await platform({
      OAUTH_AUTH_FAILURES_PER_IP: '3',
      OAUTH_CLIENT_REQUESTS_PER_MINUTE: '2',
    });
    const params = { ...GRANT, ...assertionParams(await clientAssertion(client, p.clock.now(), TOKEN_URL)) };
    expect((await postForm(p.app, '/oauth2/token', params)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const replay = await postForm(p.app, '/oauth2/token', params);
      expect(replay.status).toBe(401);
      expect(await replay.json()).toEqual(INVALID_CLIENT);
    }
    // Three failures: the address's failure budget is spent, whatever the credential.
    const fresh = { ...GRANT, ...assertionParams(await clientAssertion(client, p.clock.now(), TOKEN_URL)) };
    const refused = await postForm(p.app, '/oauth2/token', fresh);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'too_many_requests' });
  });

  it('leaves the client its budget: the replays were never charged', async () => {
    const { p, client } = await platform({ OAUTH_CLIENT_REQUESTS_PER_MINUTE: '2' });
    const params = { ...GRANT, ...assertionParams(await clientAssertion(client, p.clock.now(), TOKEN_URL)) };
    expect((await postForm(p.app, '/oauth2/token', params)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await postForm(p.app, '/oauth2/token', params)).status).toBe(401);
    const second = { ...GRANT, ...assertionParams(await clientAssertion(client, p.clock.now(), TOKEN_URL)) };
    expect((await postForm(p.app, '/oauth2/token', second)).status).toBe(200);
    const third = { ...GRANT, ...assertionParams(await clientAssertion(client, p.clock.now(), TOKEN_URL)) };
    const over = await postForm(p.app, '/oauth2/token', third);
    expect(over.status).toBe(429);
  });
});
