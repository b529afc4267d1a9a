import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { announce, fail, OIDC_ISSUER, OIDC_RESOURCE, OIDC_SCOPE } from './child.js';

/**
 * node-oidc-provider configured as a user would for machine-to-machine tokens: the client
 * credentials grant, JWT access tokens signed ES256 (resource indicators with a default resource
 * whose accessTokenFormat is `jwt`), one `client_secret_basic` client and one `private_key_jwt`
 * client (the sandbox demo-backend's public key). Default (in-memory) adapter, which also keeps
 * the assertions' jti for replay detection.
 */

type Env = { signingKey: unknown; clientKey: unknown; secret: string };

function env(): Env {
  const { BENCH_OIDC_SIGNING_JWK, BENCH_OIDC_CLIENT_JWK, BENCH_CLIENT_SECRET } = process.env;
  if (!BENCH_OIDC_SIGNING_JWK || !BENCH_OIDC_CLIENT_JWK || !BENCH_CLIENT_SECRET) {
    throw new Error('BENCH_OIDC_SIGNING_JWK, BENCH_OIDC_CLIENT_JWK and BENCH_CLIENT_SECRET are required');
  }
  return {
    signingKey: JSON.parse(BENCH_OIDC_SIGNING_JWK),
    clientKey: JSON.parse(BENCH_OIDC_CLIENT_JWK),
    secret: BENCH_CLIENT_SECRET,
  };
}

function main(): void {
  const { signingKey, clientKey, secret } = env();
  const common = {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: OIDC_SCOPE,
  };
  const provider = new Provider(OIDC_ISSUER, {
    jwks: { keys: [signingKey] },
    // The one signing key is ES256; the default for ID tokens (RS256) would reject every client.
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    ttl: { ClientCredentials: 3600 },
    scopes: [OIDC_SCOPE],
    clients: [
      {
        ...common,
        client_id: 'bench-basic',
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        ...common,
        client_id: 'bench-signed',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [clientKey] },
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: OIDC_SCOPE,
          audience: OIDC_RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  const server = createServer(provider.callback());
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    announce(port, () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    });
  });
}

try {
  main();
} catch (error) {
  fail(error);
}
