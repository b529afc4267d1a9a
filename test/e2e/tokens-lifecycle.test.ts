import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURPOSE } from './support/oauth.js';
import type { E2EServer } from './support/server.js';
import { ONBOARDING_TARGETS, startServerOn, targetRows } from '../support/targets.js';

const SCOPE = `${PURPOSE} sim-swap:check`;

async function simSwapCheck(server: E2EServer, accessToken: string): Promise<Response> {
  return fetch(`${server.url}/sim-swap/v2/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ phoneNumber: '+34600000001' }),
  });
}

/** openid-client configured from the server's discovery document (http: loopback only). */
function configure(server: E2EServer, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(server.url), server.client.clientId, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

describe.each(targetRows(ONBOARDING_TARGETS))('token lifecycle with openid-client (%s)', (_name, target) => {
  let server: E2EServer;
  beforeAll(async () => {
    server = await startServerOn(target);
  });
  afterAll(async () => server?.close());

  const authMethods: [string, () => oidc.ClientAuth][] = [
    ['private_key_jwt', () => oidc.PrivateKeyJwt({ key: server.client.privateKey, kid: server.client.kid })],
    ['client_secret_basic', () => oidc.ClientSecretBasic(server.client.secret)],
  ];

  it.each(authMethods)(
    'client credentials → SIM Swap 200 → introspect active → revoke → SIM Swap 401 at once → inactive (%s)',
    async (_method, auth) => {
      const config = await configure(server, auth());
      const metadata = config.serverMetadata();
      expect(metadata.introspection_endpoint).toBe(`${server.url}/oauth2/introspect`);
      expect(metadata.revocation_endpoint).toBe(`${server.url}/oauth2/revoke`);

      const tokens = await oidc.clientCredentialsGrant(config, { scope: SCOPE });
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.scope).toBe(SCOPE);
      expect(tokens.expires_in).toBe(600);

      const first = await simSwapCheck(server, tokens.access_token);
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ swapped: true });

      const active = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(active).toMatchObject({
        active: true,
        client_id: server.client.clientId,
        scope: SCOPE,
        token_type: 'Bearer',
        sub: server.client.clientId,
        iss: server.url,
        aud: server.url,
      });

      await oidc.tokenRevocation(config, tokens.access_token);

      const refused = await simSwapCheck(server, tokens.access_token);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="camara", error="invalid_token"');
      expect(await refused.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    },
  );

  it('verifies the token with the published JWKS, as a third party would', async () => {
    const config = await configure(server, oidc.ClientSecretBasic(server.client.secret));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: SCOPE });
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const jwks = createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: server.url,
      audience: server.url,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(server.client.clientId);
  });
});
