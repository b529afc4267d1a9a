import { beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { Application } from '../../src/admin/applications.js';
import { legacyPbkdf2Hash } from '../../src/admin/secrets.js';
import { constantTimeEqual } from '../../src/hash.js';
import type { TokenService } from '../../src/auth/tokens.js';
import { basicAuth, postForm, PURPOSE, registerClient, type TestClient } from '../e2e/support/oauth.js';
import { testPlatform, type TestPlatform } from '../support/app.js';
import { applicationKeys } from '../../src/store/keys.js';

const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'client authentication failed' };

describe('client secrets (client_secret_basic, client_secret_post)', () => {
  let p: TestPlatform;
  let client: TestClient;
  let issued: MockInstance<TokenService['issue']>;
  const send = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(p.app, '/oauth2/token', { ...GRANT, ...params }, headers);
  const expectInvalidClient = async (res: Response, description = INVALID_CLIENT.error_description) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="camara"');
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: description });
    expect(issued).not.toHaveBeenCalled();
  };

  beforeEach(async () => {
    p = await testPlatform();
    client = await registerClient(p.deps);
    issued = vi.spyOn(p.deps.tokens, 'issue');
  });

  it('keeps only an HMAC-SHA-256 of the secret under the server key', async () => {
    const record = (await p.deps.store.get(applicationKeys.record(client.clientId))) as string;
    expect(record).not.toContain(client.secret);
    const stored = (JSON.parse(record) as { secretHash: string }).secretHash;
    expect(stored).toMatch(/^hmac-sha256\$[A-Za-z0-9_-]{43}$/);
    // Keyed: another platform secret (TOKEN_SECRET) gives another record for the same secret.
    const other = await testPlatform({ env: { TOKEN_SECRET: 'B'.repeat(43) } });
    expect(await other.deps.clientSecrets.hash(client.secret)).not.toBe(stored);
    expect(await p.deps.clientSecrets.hash(client.secret)).toBe(stored);
  });

  it('still accepts a legacy PBKDF2 record, and replaces it with the HMAC form on success', async () => {
    const legacy = await legacyPbkdf2Hash(client.secret, 1000);
    const app = (await p.deps.applications.get(client.clientId)) as Application;
    await p.deps.applications.put({ ...app, secretHash: legacy });
    const stored = async () =>
      (JSON.parse((await p.deps.store.get(applicationKeys.record(client.clientId))) as string) as Application)
        .secretHash;
    await expectInvalidClient(await send({}, { authorization: basicAuth(client.clientId, 'wrong') }));
    expect(await stored()).toBe(legacy);
    expect((await send({}, { authorization: basicAuth(client.clientId, client.secret) })).status).toBe(200);
    expect(await stored()).toBe(await p.deps.clientSecrets.hash(client.secret));
    expect((await send({}, { authorization: basicAuth(client.clientId, client.secret) })).status).toBe(200);
  });

  it('does not overwrite a record changed since it was read (a suspension stays)', async () => {
    const legacy = await legacyPbkdf2Hash(client.secret, 1000);
    const app = (await p.deps.applications.get(client.clientId)) as Application;
    await p.deps.applications.put({ ...app, secretHash: legacy, status: 'suspended' });
    await p.deps.applications.upgradeSecretHash(client.clientId, 'pbkdf2-sha256$other', 'hmac-sha256$x');
    const record = JSON.parse(
      (await p.deps.store.get(applicationKeys.record(client.clientId))) as string,
    ) as Application;
    expect([record.secretHash, record.status]).toEqual([legacy, 'suspended']);
  });

  it('authenticates Basic (scheme in any case) and post', async () => {
    expect((await send({}, { authorization: basicAuth(client.clientId, client.secret) })).status).toBe(200);
    const lower = basicAuth(client.clientId, client.secret).replace('Basic', 'basic');
    expect((await send({}, { authorization: lower })).status).toBe(200);
    expect((await send({ client_id: client.clientId, client_secret: client.secret })).status).toBe(200);
  });

  it('answers a wrong Basic secret and an unknown client alike: 401 with a Basic challenge', async () => {
    await expectInvalidClient(await send({}, { authorization: basicAuth(client.clientId, 'wrong') }));
    await expectInvalidClient(await send({}, { authorization: basicAuth('no-such-client', client.secret) }));
  });

  it('refuses a wrong client_secret_post secret with the same 401', async () => {
    await expectInvalidClient(await send({ client_id: client.clientId, client_secret: 'wrong' }));
  });

  it('refuses malformed Basic credentials', async () => {
    await expectInvalidClient(await send({}, { authorization: 'Basic %%%' }));
    await expectInvalidClient(await send({}, { authorization: `Basic ${btoa('no-colon')}` }));
  });

  it('refuses a client_id parameter naming another client than the Basic credentials', async () => {
    await expectInvalidClient(
      await send({ client_id: 'demo-app' }, { authorization: basicAuth(client.clientId, client.secret) }),
    );
  });

  it('refuses a secret method the client is not allowed, even with the right secret', async () => {
    const keyOnly = await registerClient(p.deps, { authMethods: ['private_key_jwt'] });
    await expectInvalidClient(await send({}, { authorization: basicAuth(keyOnly.clientId, keyOnly.secret) }));
    await expectInvalidClient(await send({ client_id: keyOnly.clientId, client_secret: keyOnly.secret }));
  });

  it('refuses a suspended client', async () => {
    const suspended = await registerClient(p.deps, { status: 'suspended' });
    await expectInvalidClient(
      await send({}, { authorization: basicAuth(suspended.clientId, suspended.secret) }),
    );
  });

  it('requires client authentication', async () => {
    await expectInvalidClient(await send({}), 'client authentication required');
    await expectInvalidClient(await send({ client_id: client.clientId }), 'client authentication required');
  });

  it('refuses Basic and client_secret together: 400 invalid_request', async () => {
    const res = await send(
      { client_secret: client.secret },
      { authorization: basicAuth(client.clientId, client.secret) },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_request',
      error_description: 'more than one client authentication method',
    });
    expect(issued).not.toHaveBeenCalled();
  });

  it('compares hashes in constant time over their whole length', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3, 0]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([]), new Uint8Array([0]))).toBe(false);
  });
});
