import { describe, expect, it, vi } from 'vitest';
import { basicAuth, postForm, PURPOSE, registerClient } from '../e2e/support/oauth.js';
import { testPlatform } from '../support/app.js';

const GRANT = { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` };

describe('client secret checks do the same work whether the client exists or not', () => {
  it('runs one HMAC verification for a known client, an unknown one and a client without a secret', async () => {
    const p = await testPlatform();
    const known = await registerClient(p.deps);
    const keyOnly = await registerClient(p.deps, { authMethods: ['private_key_jwt'], secretHash: undefined });
    const verify = vi.spyOn(p.deps.clientSecrets, 'verify');
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
      const [, stored] = verify.mock.calls[0] as [string, string];
      // The same scheme, hence the same work: one HMAC-SHA-256 and a constant-time comparison.
      expect(stored).toMatch(/^hmac-sha256\$[A-Za-z0-9_-]{43}$/);
    }
  });
});
