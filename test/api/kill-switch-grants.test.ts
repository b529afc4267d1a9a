import { describe, expect, it } from 'vitest';
import { resumeApplication, suspendApplication } from '../../src/admin/kill-switch.js';
import { sha256Hex } from '../../src/hash.js';
import { grantKeys } from '../../src/store/keys.js';
import { codeFor, exchange } from '../support/authorize.js';
import {
  clientAssertion,
  flowsPlatform,
  formPost,
  GRANTS,
  grantAssertion,
  signJwt,
  type FlowsPlatform,
} from '../support/flows.js';

/**
 * The kill switch and what a client holds that is not a token: a JWT-bearer assertion or a client
 * assertion signed before a suspension, and an authorization code stored before codes carried
 * their issue time.
 * The socket scenarios for codes and CIBA requests are in test/e2e/kill-switch-grants.test.ts.
 */

/** Past the suspension's cut-off, which lies one second after it (src/admin/kill-switch.ts). */
const CUTOFF_PASSED_MS = 2_000;

async function suspendAndResume(p: FlowsPlatform): Promise<void> {
  await suspendApplication(p.deps, p.client.clientId);
  p.clock.advance(CUTOFF_PASSED_MS);
  await resumeApplication(p.deps, p.client.clientId);
}

const jwtBearer = (p: FlowsPlatform, assertion: string) =>
  formPost(p.app, '/oauth2/token', { grant_type: GRANTS.jwtBearer, assertion, client_id: p.client.clientId });

/** A code as a platform of the previous version stored it: without `issuedAt`. */
async function withoutIssuedAt(p: FlowsPlatform, code: string): Promise<void> {
  const key = grantKeys.code(sha256Hex(code));
  const record = JSON.parse((await p.deps.store.get(key)) as string) as Record<string, unknown>;
  expect(record.issuedAt).toBe(Math.floor(p.clock.now() / 1000));
  delete record.issuedAt;
  await p.deps.store.set(key, JSON.stringify(record), 60_000);
}

describe('kill switch: JWT-bearer assertions', () => {
  it('refuses an assertion signed before a suspension, presented after the resume', async () => {
    const p = await flowsPlatform();
    const old = await grantAssertion(p.client, p.clock);
    await suspendAndResume(p);
    const res = await jwtBearer(p, old);
    expect([res.status, await res.json()]).toEqual([
      400,
      { error: 'invalid_grant', error_description: 'assertion issued before a suspension of the client' },
    ]);
    expect((await jwtBearer(p, await grantAssertion(p.client, p.clock))).status).toBe(200);
  });
});

/** A JWT-bearer token request authenticated by private_key_jwt with `clientAssertion`. */
const withClientAssertion = async (p: FlowsPlatform, assertion: string) =>
  formPost(p.app, '/oauth2/token', {
    grant_type: GRANTS.jwtBearer,
    assertion: await grantAssertion(p.client, p.clock),
    client_id: p.client.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });

const CLIENT_REFUSED = { error: 'invalid_client', error_description: 'client authentication failed' };

describe('kill switch: client assertions (private_key_jwt)', () => {
  it('refuses one signed before a suspension, presented after the resume; a new one authenticates', async () => {
    const p = await flowsPlatform();
    const old = await clientAssertion(p.client, p.clock);
    await suspendAndResume(p);
    const res = await withClientAssertion(p, old);
    expect([res.status, await res.json()]).toEqual([401, CLIENT_REFUSED]);
    expect((await withClientAssertion(p, await clientAssertion(p.client, p.clock))).status).toBe(200);
  });

  it('without iat, takes 300 s before its exp as its signing time', async () => {
    const p = await flowsPlatform();
    await suspendAndResume(p);
    const cutoffMs = (await p.deps.applications.get(p.client.clientId))?.tokensNotBefore as number;
    const withoutIat = (exp: number) =>
      signJwt(p.client, p.clock, { sub: p.client.clientId, aud: 'http://gateway.test', iat: undefined, exp });
    // exp − 300 s: a second before the cut-off, then at it.
    const before = Math.ceil(cutoffMs / 1000) - 1 + 300;
    const res = await withClientAssertion(p, await withoutIat(before));
    expect([res.status, await res.json()]).toEqual([401, CLIENT_REFUSED]);
    expect((await withClientAssertion(p, await withoutIat(before + 1))).status).toBe(200);
  });

  it('authenticates one without iat for a client never suspended', async () => {
    const p = await flowsPlatform();
    const now = Math.floor(p.clock.now() / 1000);
    const assertion = await signJwt(p.client, p.clock, {
      sub: p.client.clientId,
      aud: 'http://gateway.test',
      iat: undefined,
      exp: now + 60,
    });
    expect((await withClientAssertion(p, assertion)).status).toBe(200);
  });
});

describe('kill switch: codes stored without their issue time (before the deploy)', () => {
  it('serves such a code of an application never suspended', async () => {
    const p = await flowsPlatform();
    const { code, verifier } = await codeFor(p);
    await withoutIssuedAt(p, code);
    expect((await exchange(p, code, verifier)).status).toBe(200);
  });

  it('refuses such a code of an application suspended once, as issued before the cut-off', async () => {
    const p = await flowsPlatform();
    await suspendAndResume(p);
    const fresh = await codeFor(p);
    expect((await exchange(p, fresh.code, fresh.verifier)).status).toBe(200);
    const { code, verifier } = await codeFor(p);
    await withoutIssuedAt(p, code);
    const res = await exchange(p, code, verifier);
    expect([res.status, await res.json()]).toEqual([
      400,
      {
        error: 'invalid_grant',
        error_description: 'authorization code issued before a suspension of the client',
      },
    ]);
  });
});
