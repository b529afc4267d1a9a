import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { Application } from '../../../src/admin/applications.js';
import { GRANT } from '../../../src/auth/grants/grant-types.js';
import { parseAddress, type DeviceAddress } from '../../../src/network/index.js';
import { SANDBOX_SUBSCRIBERS } from '../../../src/sandbox-seed.js';
import { CORRELATOR } from '../../support/camara-assert.js';
import { RunningClock } from '../../support/running-clock.js';
import { startServerOn, type Target } from '../../support/targets.js';
import { registerClient, type TestClient } from './oauth.js';
import type { E2EServer, Engine, ServerOptions } from './server.js';

/**
 * The identity APIs (KYC Match, Number Verification) on a real socket, with access tokens obtained
 * through the authorization server's real flows by a certified OpenID client (openid-client 6):
 * client credentials, JWT-bearer and CIBA with `tel:` or `operatortoken:`, and the authorization
 * code flow with PKCE and network-based authentication, the device address forwarded by the
 * operator's edge (127.0.0.1 is a TRUSTED_PROXIES entry). The consent service is the real one, on
 * the sandbox purpose registry: dpv:IdentityVerification has `contract` as its legal basis.
 */

export const IDENTITY = 'dpv:IdentityVerification';
export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const REDIRECT_URI = 'https://client.example/callback';
export const NV = {
  verify: 'number-verification:verify',
  share: 'number-verification:device-phone-number:read',
} as const;

/** The test application: every flow, the identity scopes, 2-legged for KYC Match (and SIM Swap). */
const ONBOARDING: Partial<Application> = {
  authMethods: ['private_key_jwt'],
  grantTypes: [GRANT.clientCredentials, GRANT.jwtBearer, GRANT.ciba, GRANT.authorizationCode],
  scopes: ['kyc-match:match', NV.verify, NV.share, 'sim-swap:check'],
  purposes: [IDENTITY, FRAUD],
  twoLeggedApis: ['kyc-match', 'sim-swap'],
  redirectUris: [REDIRECT_URI],
  // One application runs a whole file of scenarios within seconds: well inside the premium burst.
  plan: 'premium',
};

/** A sandbox subscriber's device addresses on the mobile network (sandbox/subscribers.json). */
export function sandboxDevices(phoneNumber: string): DeviceAddress[] {
  const devices = SANDBOX_SUBSCRIBERS.subscribers.find((s) => s.phoneNumber === phoneNumber)?.devices ?? [];
  const addresses = devices.map(parseAddress).filter((a): a is DeviceAddress => a !== null);
  if (addresses.length === 0) throw new Error(`${phoneNumber} has no sandbox device`);
  return addresses;
}

export const sandboxDevice = (phoneNumber: string): DeviceAddress =>
  sandboxDevices(phoneNumber)[0] as DeviceAddress;

/** A sandbox subscriber's GSMA TS.43 operator token (sandbox/subscribers.json). */
export function sandboxOperatorToken(phoneNumber: string): string {
  const token = SANDBOX_SUBSCRIBERS.subscribers.find((s) => s.phoneNumber === phoneNumber)
    ?.operatorTokens?.[0];
  if (token === undefined) throw new Error(`${phoneNumber} has no sandbox operator token`);
  return token;
}

/**
 * The flows that authenticate the subscriber by the mobile network or the SIM (Number
 * Verification's precondition), by name, for one device; `tokens` is read at call time.
 */
export function mobileNetworkFlows(tokens: () => TokenFlows, device: string) {
  const operatorToken = () => `operatortoken:${sandboxOperatorToken(device)}`;
  return {
    'authorization code, network-based': (scope: string) => tokens().authorizationCode(device, scope),
    'CIBA operatortoken:': (scope: string) => tokens().ciba(operatorToken(), scope),
    'JWT-bearer operatortoken:': (scope: string) => tokens().jwtBearer(operatorToken(), scope),
  };
}

/** How one application obtains access tokens, each flow over the socket. */
export type TokenFlows = {
  client: TestClient;
  /** OAuth 2.0 client credentials (private_key_jwt): a 2-legged token. */
  clientCredentials(scope: string): Promise<string>;
  /** RFC 7523 JWT-bearer; `sub` is `tel:+…` or `operatortoken:…`; the assertion authenticates the client. */
  jwtBearer(sub: string, scope: string): Promise<string>;
  /** CIBA poll mode; the legal basis is in place, so the first poll gets the tokens. */
  ciba(loginHint: string, scope: string): Promise<string>;
  /** RFC 7662 introspection of a token by this client. */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** Authorization code + PKCE; the browser is a sandbox device of `phoneNumber` (the first by default). */
  authorizationCode(phoneNumber: string, scope: string, device?: DeviceAddress): Promise<string>;
  /**
   * Authorization code + PKCE with the request headers given as they reach the platform (what the
   * edge and the client wrote): the code's access token, or the authorize `error` when refused.
   */
  authorizeWith(scope: string, headers: Record<string, string>): Promise<{ token?: string; error?: string }>;
};

export type IdentityServer = E2EServer & {
  clock: RunningClock;
  /** The test application's flows. */
  tokens: TokenFlows;
  /** Onboards another application (over the same defaults) and returns its flows. */
  register(overrides: Partial<Application>): Promise<TokenFlows>;
  /** Runs `fn` with the server's clock `ms` ahead, then puts it back (Node only: see startIdentityServer). */
  later<T>(ms: number, fn: () => Promise<T>): Promise<T>;
  post(
    path: string,
    body: unknown,
    token: string | undefined,
    headers?: Record<string, string>,
  ): Promise<Response>;
  get(path: string, token: string | undefined, headers?: Record<string, string>): Promise<Response>;
};

/**
 * On an engine (the platform on Node) or a target of test/support/targets.ts. On the Worker the
 * test application is onboarded through the twin on the Worker's Redis (ONBOARDING_TARGETS), and
 * the clock is the Worker's wall clock: `later` throws there, so a scenario that moves time is
 * declared for Node only.
 */
export async function startIdentityServer(
  on: Engine | Target,
  options: Pick<ServerOptions, 'env' | 'keyPrefix' | 'publicUrl'> = {},
): Promise<IdentityServer> {
  const target: Target = typeof on === 'string' ? { runtime: 'node', engine: on } : on;
  const env = {
    TRUSTED_PROXIES: '127.0.0.1',
    CLIENT_IP_HEADER: 'x-forwarded-for',
    CLIENT_PORT_HEADER: 'x-forwarded-port',
    ...options.env,
  };
  const server = await startServerOn(target, { ...options, client: ONBOARDING, env });
  const clock = server.clock;
  // The flows run against the issuer: another instance's when this one stands behind its URL.
  const flowsOf = (client: TestClient) => tokenFlows(options.publicUrl ?? server.url, client);
  const request = (
    path: string,
    init: RequestInit,
    token: string | undefined,
    headers: Record<string, string>,
  ) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        'x-correlator': CORRELATOR,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(init.headers as Record<string, string> | undefined),
        ...headers,
      },
    });
  return {
    ...server,
    clock,
    tokens: await flowsOf(server.client),
    register: async (overrides) =>
      flowsOf(await registerClient(server.deps, { ...ONBOARDING, ...overrides })),
    later: async (ms, fn) => {
      if (target.runtime !== 'node') throw new Error("the Worker's clock cannot be moved");
      clock.advance(ms);
      try {
        return await fn();
      } finally {
        clock.advance(-ms);
      }
    },
    // A CAMARA request as the test plans send it: JSON body, bearer token, x-correlator.
    post: (path, body, token, headers = {}) =>
      request(
        path,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        },
        token,
        headers,
      ),
    get: (path, token, headers = {}) => request(path, { method: 'GET' }, token, headers),
  };
}

async function tokenFlows(url: string, client: TestClient): Promise<TokenFlows> {
  const discover = (auth: oidc.ClientAuth) =>
    oidc.discovery(new URL(url), client.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  const config = await discover(oidc.PrivateKeyJwt({ key: client.privateKey, kid: client.kid }));
  // JWT-bearer (ICM §7.3): the signed grant assertion is the client authentication.
  const bearer = await discover(oidc.None());
  const tokenEndpoint = config.serverMetadata().token_endpoint as string;

  return {
    client,
    clientCredentials: async (scope) => (await oidc.clientCredentialsGrant(config, { scope })).access_token,
    jwtBearer: async (sub, scope) => {
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ scope })
        .setProtectedHeader({ alg: 'ES256', kid: client.kid })
        .setIssuer(client.clientId)
        .setSubject(sub)
        .setAudience(tokenEndpoint)
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .setJti(crypto.randomUUID())
        .sign(client.privateKey);
      return (await oidc.genericGrantRequest(bearer, GRANT.jwtBearer, { assertion })).access_token;
    },
    introspect: async (token) => ({ ...(await oidc.tokenIntrospection(config, token)) }),
    ciba: async (loginHint, scope) => {
      const started = await oidc.initiateBackchannelAuthentication(config, { scope, login_hint: loginHint });
      // The first poll is answered at once (no earlier poll to be too fast after).
      return (await oidc.pollBackchannelAuthenticationGrant(config, { ...started, interval: 0 }))
        .access_token;
    },
    authorizeWith: async (scope, headers) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const authorize = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      const res = await fetch(authorize, { redirect: 'manual', headers });
      const location = new URL(res.headers.get('location') ?? 'about:blank');
      const error = location.searchParams.get('error');
      if (res.status !== 302 || error !== null) return { error: error ?? `status ${res.status}` };
      const tokens = await oidc.authorizationCodeGrant(config, location, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      return { token: tokens.access_token };
    },
    authorizationCode: async (phoneNumber, scope, device = sandboxDevice(phoneNumber)) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const authorize = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      // The browser on the mobile network, seen through the operator's edge (a trusted proxy),
      // which names the device in X-Forwarded-For (and its port behind CGNAT).
      const res = await fetch(authorize, {
        redirect: 'manual',
        headers: {
          'x-forwarded-for': device.ip,
          ...(device.port === undefined ? {} : { 'x-forwarded-port': String(device.port) }),
        },
      });
      const location = res.headers.get('location');
      if (res.status !== 302 || location === null) {
        throw new Error(`authorize answered ${res.status} ${await res.text()}`);
      }
      const tokens = await oidc.authorizationCodeGrant(config, new URL(location), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      return tokens.access_token;
    },
  };
}
