import { describe, expect, it, vi } from 'vitest';
import * as secrets from '../../src/admin/secrets.js';
import { basicAuth, postForm, PURPOSE, registerClient } from '../e2e/support/oauth.js';
import { testPlatform } from '../support/app.js';

vi.mock('../../src/admin/secrets.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/admin/secrets.js')>();
  return { ...original, verifySecret: vi.fn(original.verifySecret) };
});

const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };

describe('client secret checks do the same work whether the client exists or not', () => {
  it('runs one PBKDF2 verification for a known client, an unknown one and a client without a secret', async () => {
    const p = await testPlatform();
    const known = await registerClient(p.deps);
    const keyOnly = await registerClient(p.deps, { authMethods: ['private_key_jwt'], secretHash: undefined });
    const verify = vi.mocked(secrets.verifySecret);
    for (const [clientId, secret] of [
      [known.clientId, 'wrong'],
      ['no-such-client', 'wrong'],
      [keyOnly.clientId, 'wrong'],
    ] as const) {
      verify.mockClear();
      const res = await postForm(p.app, '/oauth2/token', GRANT, {
        authorization: basicAuth(clientId, secret),
      });
      expect(res.status).toBe(401);
      expect(verify).toHaveBeenCalledTimes(1);
      const [, hash] = verify.mock.calls[0] as [string, string];
      expect(hash).toMatch(/^pbkdf2-sha256\$60000\$/);
    }
  });
});
