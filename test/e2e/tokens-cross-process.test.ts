import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertionParams, clientAssertion, PURPOSE } from './support/oauth.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, startServer, uniquePrefix, type E2EServer } from './support/server.js';

const SCOPE = `${PURPOSE} sim-swap:check`;

const check = (url: string, token: string) =>
  fetch(`${url}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ phoneNumber: '+34600000001' }),
  });

describe('two processes sharing Redis (one deployment, one issuer)', () => {
  let a: E2EServer;
  let b: PlatformProcess;

  beforeAll(async () => {
    const secrets = await deploymentSecrets();
    const prefix = uniquePrefix();
    a = await startServer({ engine: 'redis', keyPrefix: prefix, env: secrets });
    b = await startProcess({
      ...secrets,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: prefix,
      PUBLIC_URL: a.url,
    });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  it('refuses a token on the other process at once when it is revoked here', async () => {
    const config = await oidc.discovery(
      new URL(a.url),
      a.client.clientId,
      undefined,
      oidc.PrivateKeyJwt({ key: a.client.privateKey, kid: a.client.kid }),
      { execute: [oidc.allowInsecureRequests] },
    );
    const { access_token: token } = await oidc.clientCredentialsGrant(config, { scope: SCOPE });
    expect((await check(b.url, token)).status).toBe(200); // verified and cached over there
    await oidc.tokenRevocation(config, token);
    const refused = await check(b.url, token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
    expect((await check(a.url, token)).status).toBe(401);
  });

  it('refuses on the other process a client assertion whose jti was used here', async () => {
    const assertion = await clientAssertion(a.client, Date.now(), a.url);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: SCOPE,
      ...assertionParams(assertion),
    });
    const post = (url: string) =>
      fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    expect((await post(a.url)).status).toBe(200);
    const replay = await post(b.url);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });
});
