import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { scopeCatalogue } from '../../src/app.js';
import { discoveryDocument, ENDPOINT_METADATA, NOT_ADVERTISED } from '../../src/auth/discovery.js';
import { authServer } from '../../src/auth/index.js';
import { SUPPORTED_GRANTS } from '../../src/auth/token-endpoint.js';
import { postForm } from '../e2e/support/oauth.js';
import { DEMO, testPlatform } from '../support/app.js';

const ISSUER = 'http://gateway.test';
const ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
const METHODS = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'];
const SCOPES = API_MODULES.flatMap((m) => m.scopes);
const GRANTS = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'urn:openid:params:grant-type:ciba',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
];

async function metadata(app: { request: (path: string) => Response | Promise<Response> }, path: string) {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('discovery (RFC 8414, OIDC Discovery 1.0, CIBA Core §4)', () => {
  it('lists exactly the endpoints, grants and methods this server has', async () => {
    const { app } = await testPlatform();
    const document = await metadata(app, '/.well-known/openid-configuration');
    expect(document).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth2/token`,
      grant_types_supported: GRANTS,
      token_endpoint_auth_methods_supported: METHODS,
      token_endpoint_auth_signing_alg_values_supported: ALGS,
      jwks_uri: `${ISSUER}/oauth2/jwks`,
      introspection_endpoint: `${ISSUER}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: ALGS,
      revocation_endpoint: `${ISSUER}/oauth2/revoke`,
      revocation_endpoint_auth_methods_supported: METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: ALGS,
      // ICM: authorization code with PKCE S256, network-based authentication, RFC 9207 `iss`.
      authorization_endpoint: `${ISSUER}/oauth2/authorize`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      // ICM: CIBA in poll mode.
      backchannel_authentication_endpoint: `${ISSUER}/oauth2/bc-authorize`,
      backchannel_token_delivery_modes_supported: ['poll'],
      backchannel_authentication_request_signing_alg_values_supported: ALGS,
      backchannel_user_code_parameter_supported: false,
      scopes_supported: ['openid', 'offline_access', ...SCOPES],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'at_hash'],
      claims_parameter_supported: false,
      request_parameter_supported: true,
      request_uri_parameter_supported: false,
      request_object_signing_alg_values_supported: ALGS,
    });
    expect(await metadata(app, '/.well-known/oauth-authorization-server')).toEqual(document);
    expect(document.grant_types_supported).toEqual(SUPPORTED_GRANTS);
  });

  it('advertises no endpoint that does not answer', async () => {
    const { app } = await testPlatform();
    const document = await metadata(app, '/.well-known/openid-configuration');
    const urls = Object.entries(document).filter(([k]) => k.endsWith('_endpoint') || k === 'jwks_uri');
    expect(urls.map(([name]) => name).sort()).toEqual(
      [
        'authorization_endpoint',
        'backchannel_authentication_endpoint',
        'introspection_endpoint',
        'jwks_uri',
        'revocation_endpoint',
        'token_endpoint',
      ].sort(),
    );
    for (const [name, url] of urls) {
      const path = new URL(String(url)).pathname;
      const statuses = await Promise.all(
        ['GET', 'POST'].map(async (method) => (await app.request(path, { method })).status),
      );
      expect({ name, answered: statuses.some((s) => s !== 404) }).toEqual({ name, answered: true });
    }
  });

  it('advertises only grant types the token endpoint implements', async () => {
    const { app } = await testPlatform();
    const document = await metadata(app, '/.well-known/openid-configuration');
    const auth = { authorization: `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}` };
    for (const grant of document.grant_types_supported as string[]) {
      const body = (await (await postForm(app, '/oauth2/token', { grant_type: grant }, auth)).json()) as {
        error?: string;
      };
      expect({ grant, error: body.error }).not.toEqual({ grant, error: 'unsupported_grant_type' });
    }
    const password = await postForm(app, '/oauth2/token', { grant_type: 'password' }, auth);
    expect(await password.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('advertises every endpoint route the authorization server mounts', () => {
    const router = authServer(scopeCatalogue(API_MODULES));
    const routes = router.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    expect(routes.sort()).toEqual(
      [
        'GET /.well-known/openid-configuration',
        'GET /.well-known/oauth-authorization-server',
        'GET /oauth2/jwks',
        'GET /oauth2/authorize',
        'POST /oauth2/authorize',
        'GET /oauth2/authorize/continue',
        'POST /oauth2/bc-authorize',
        'POST /oauth2/token',
        'POST /oauth2/introspect',
        'POST /oauth2/revoke',
      ].sort(),
    );
    const unaccounted = routes.filter((r) => !(r in ENDPOINT_METADATA) && !NOT_ADVERTISED.has(r));
    expect(unaccounted).toEqual([]);
    // And nothing described that is not mounted: the metadata map holds the mounted endpoints only.
    expect(Object.keys(ENDPOINT_METADATA).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('derives the user-flow metadata from the routes: none of it without authorize and CIBA', () => {
    const router = authServer(scopeCatalogue(API_MODULES));
    const routes = router.routes.filter((r) => !/authorize/.test(r.path));
    const document = discoveryDocument(ISSUER, SCOPES, routes);
    expect(document).toMatchObject({ response_types_supported: [], scopes_supported: SCOPES });
    for (const key of [
      'authorization_endpoint',
      'backchannel_authentication_endpoint',
      'code_challenge_methods_supported',
      'authorization_response_iss_parameter_supported',
      'request_parameter_supported',
      'claims_supported',
    ]) {
      expect(document).not.toHaveProperty(key);
    }
  });
});
