import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/camara-assert.js';
import { deploymentSecrets } from '../e2e/support/process.js';
import { uniquePrefix } from '../e2e/support/server.js';
import {
  IDENTITY,
  NV,
  sandboxOperatorToken,
  startIdentityServer,
  type IdentityServer,
} from '../e2e/support/identity.js';

/**
 * Two gateway instances of one deployment (one issuer, the same keys) on one Redis: a Number
 * Verification token used on one instance is refused on the other (the single-use marker lives in
 * the shared store, not in the process). Both are real sockets; the token comes from the flows.
 */

let a: IdentityServer;
let b: IdentityServer;

beforeAll(async () => {
  const secrets = await deploymentSecrets();
  const keyPrefix = uniquePrefix();
  a = await startIdentityServer('redis', { keyPrefix, env: secrets });
  b = await startIdentityServer('redis', { keyPrefix, env: secrets, publicUrl: a.url });
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('Number Verification single use on Redis', () => {
  it('a token consumed on one instance is refused on the other', async () => {
    const token = await a.tokens.authorizationCode('+34600000001', `${IDENTITY} ${NV.verify}`);
    const body = { phoneNumber: '+34600000001' };
    expect((await a.post('/number-verification/v2/verify', body, token)).status).toBe(200);
    const unauthenticated = { status: 401, code: 'UNAUTHENTICATED' };
    await expectError(await b.post('/number-verification/v2/verify', body, token), unauthenticated);
    await expectError(await a.post('/number-verification/v2/verify', body, token), unauthenticated);
  });

  it('a token consumed on the other instance is refused here, whichever operation', async () => {
    const token = await a.tokens.jwtBearer(
      `operatortoken:${sandboxOperatorToken('+34600000010')}`,
      `${IDENTITY} ${NV.verify} ${NV.share}`,
    );
    const shared = await b.get('/number-verification/v2/device-phone-number', token);
    expect(await shared.json()).toEqual({ devicePhoneNumber: '+34600000010' });
    await expectError(
      await a.post('/number-verification/v2/verify', { phoneNumber: '+34600000010' }, token),
      {
        status: 401,
        code: 'UNAUTHENTICATED',
      },
    );
  });
});
