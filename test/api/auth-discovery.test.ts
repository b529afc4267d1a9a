import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { scopeCatalogue } from '../../src/app.js';
import { ENDPOINT_METADATA, NOT_ADVERTISED } from '../../src/auth/discovery.js';
import { authServer } from '../../src/auth/index.js';
import { SUPPORTED_GRANTS } from '../../src/auth/token-endpoint.js';
import { mountAuthServer } from '../e2e/support/oauth.js';
import { testPlatform } from '../support/app.js';

const ISSUER = 'http://gateway.test';
const ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
const METHODS = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];
const SCOPES = API_MODULES.flatMap((m) => m.scopes);

async function metadata(app: { request: (path: string) => Response | Promise<Response> }, path: string) {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('discovery (RFC 8414, OIDC Discovery 1.0)', () => {
  it('lists exactly the endpoints, grants and methods this server has', async () => {
    const { app } = await testPlatform();
    const document = await metadata(app, '/.well-known/openid-configuration');
    expect(document).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth2/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: METHODS,
      token_endpoint_auth_signing_alg_values_supported: ALGS,
      jwks_uri: `${ISSUER}/oauth2/jwks`,
      introspection_endpoint: `${ISSUER}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: ALGS,
      revocation_endpoint: `${ISSUER}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: ALGS,
      scopes_supported: SCOPES,
      response_types_supported: [],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(await metadata(app, '/.well-known/oauth-authorization-server')).toEqual(document);
    expect(document.grant_types_supported).toEqual(SUPPORTED_GRANTS);
  });

  it('advertises no endpoint that does not answer', async () => {
    const { app } = await testPlatform();
    const document = await metadata(app, '/.well-known/openid-configuration');
    const urls = Object.entries(document).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const [name, url] of urls) {
      const path = new URL(String(url)).pathname;
      const statuses = await Promise.all(
        ['GET', 'POST'].map(async (method) => (await app.request(path, { method })).status),
      );
      expect({ name, answered: statuses.some((s) => s !== 404) }).toEqual({ name, answered: true });
    }
  });

  it('advertises every endpoint route the authorization server mounts', () => {
    const router = authServer(scopeCatalogue(API_MODULES));
    const routes = router.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    const unaccounted = routes.filter((r) => !(r in ENDPOINT_METADATA) && !NOT_ADVERTISED.has(r));
    expect(unaccounted).toEqual([]);
  });

  it('adds the user-flow metadata when the authorize and CIBA routes are mounted', async () => {
    const p = await testPlatform();
    const router = authServer(scopeCatalogue(API_MODULES));
    router.get('/oauth2/authorize', (c) => c.text('authorize'));
    router.post('/oauth2/bc-authorize', (c) => c.text('bc-authorize'));
    const document = await metadata(mountAuthServer(p.deps, router), '/.well-known/openid-configuration');
    expect(document).toMatchObject({
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      backchannel_authentication_endpoint: `${ISSUER}/oauth2/bc-authorize`,
      backchannel_token_delivery_modes_supported: ['poll'],
      backchannel_authentication_request_signing_alg_values_supported: ALGS,
      backchannel_user_code_parameter_supported: false,
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      request_object_signing_alg_values_supported: ALGS,
      claims_parameter_supported: false,
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr'],
      scopes_supported: ['openid', ...SCOPES],
    });
    expect(document).not.toHaveProperty('acr_values_supported');
  });
});
