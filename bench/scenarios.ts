import { randomBytes } from 'node:crypto';
import {
  assertionMaker,
  basicAuthorization,
  newSigningJwk,
  peerCredentials,
  publicJwk,
  sandboxSigningJwk,
} from './credentials.js';
import {
  BENCH_CLIENT_ID,
  BENCH_ISSUER,
  BENCH_SIGNED_CLIENT_ID,
  OIDC_ISSUER,
  OIDC_SCOPE,
  PEER_AUDIENCE,
  PEER_ISSUER,
  PEER_SCOPE,
} from './child.js';

/**
 * What `npm run bench` runs: the servers (each its own process, started once and kept for every
 * round) and the scenarios loaded against them, protected calls and token issuance.
 */
export type ServerId =
  | 'baseline'
  | 'platform-redis'
  | 'platform-redis-js'
  | 'platform-memory'
  | 'peer-cache'
  | 'peer-nocache'
  | 'hono'
  | 'oidc';

export type ServerSpec = {
  id: ServerId;
  script: string;
  env: Record<string, string>;
  /** A compiled JavaScript file run by Node alone (else TypeScript through tsx). */
  compiled?: boolean;
};

export type RequestSpec = {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** A new body per request (a fresh client assertion), taken from what `prepare` made. */
  makeBody?: () => string;
  /**
   * Makes `count` bodies ahead of a window, so the load generator sends them without signing
   * while the server is measured; returns how many bodies the previous window had to make on
   * the spot because it ran out.
   */
  prepare?: (count: number) => number;
  /** The answer every request must get; checked once before the load. */
  expect: (status: number, text: string) => boolean;
};

export type Scenario = {
  id: string;
  /** Printed and in the JSON; a peer's name starts with "peer". */
  name: string;
  kind: 'api' | 'token';
  peer: boolean;
  server: ServerId;
  /** Whether the server uses redis-server (its CPU and commands are then counted). */
  redis: boolean;
  request: RequestSpec;
};

export const CHECK_PATH = '/sim-swap/v2/check';
const CHECK_BODY = JSON.stringify({ phoneNumber: '+34600000001', maxAge: 240 });
const PLATFORM_SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const OIDC_PROVIDER_VERSION = '9.13.3';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const swapped = (status: number, text: string) => status === 200 && text === '{"swapped":true}';
const issued = (status: number, text: string) =>
  status === 200 && typeof (JSON.parse(text) as { access_token?: unknown }).access_token === 'string';

/** Secrets and keys of one run, made fresh. */
export type Credentials = Awaited<ReturnType<typeof credentials>>;

export async function credentials() {
  return {
    platformSecret: randomBytes(32).toString('base64url'),
    oidcSecret: randomBytes(32).toString('base64url'),
    oidcSigningJwk: newSigningJwk('oidc-bench'),
    clientJwk: sandboxSigningJwk(),
    peer: await peerCredentials(PEER_ISSUER, PEER_AUDIENCE, PEER_SCOPE),
  };
}

export function serverSpecs(c: Credentials, redisUrl: string, compiledPlatform: string): ServerSpec[] {
  const platform = { BENCH_CLIENT_SECRET: c.platformSecret, BENCH_REDIS_URL: redisUrl };
  const peer = { BENCH_PEER_PUBLIC_KEY: c.peer.publicKeyPem, BENCH_REDIS_URL: redisUrl };
  return [
    { id: 'baseline', script: 'bench/baseline-server.ts', env: {} },
    {
      id: 'platform-redis',
      script: 'bench/platform-server.ts',
      env: { ...platform, BENCH_STORE: 'redis', BENCH_KEY_PREFIX: 'platform-tsx:' },
    },
    {
      id: 'platform-redis-js',
      script: compiledPlatform,
      env: { ...platform, BENCH_STORE: 'redis', BENCH_KEY_PREFIX: 'platform-js:' },
      compiled: true,
    },
    {
      id: 'platform-memory',
      script: 'bench/platform-server.ts',
      env: { ...platform, BENCH_STORE: 'memory' },
    },
    { id: 'peer-cache', script: 'bench/peer-server.ts', env: { ...peer, BENCH_PEER_CACHE: 'on' } },
    { id: 'peer-nocache', script: 'bench/peer-server.ts', env: { ...peer, BENCH_PEER_CACHE: 'off' } },
    { id: 'hono', script: 'bench/hono-server.ts', env: {} },
    {
      id: 'oidc',
      script: 'bench/oidc-server.ts',
      env: {
        BENCH_CLIENT_SECRET: c.oidcSecret,
        BENCH_OIDC_SIGNING_JWK: JSON.stringify(c.oidcSigningJwk),
        BENCH_OIDC_CLIENT_JWK: JSON.stringify(publicJwk(c.clientJwk)),
      },
    },
  ];
}

/** An access token from the platform's own token endpoint (client_secret_basic). */
export async function platformToken(base: string, c: Credentials): Promise<string> {
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { ...FORM, authorization: basicAuthorization(BENCH_CLIENT_ID, c.platformSecret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: PLATFORM_SCOPE }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/**
 * The scenarios, in the order of every round (each platform scenario next to its peer). `bearer`
 * holds one access token per platform server: each process signs with its own key. `quick`
 * leaves out the Hono control.
 */
export function scenarios(c: Credentials, bearer: Map<ServerId, string>, quick: boolean): Scenario[] {
  const check = (token: string | undefined): RequestSpec => ({
    path: CHECK_PATH,
    headers: {
      'content-type': 'application/json',
      'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: CHECK_BODY,
    expect: swapped,
  });
  const api = (id: string, name: string, server: ServerId, redis: boolean, peer = false): Scenario => ({
    id,
    name,
    kind: 'api',
    peer,
    server,
    redis,
    request: check(server.startsWith('peer') ? c.peer.token : bearer.get(server)),
  });
  const basic = (path: string, clientId: string, secret: string, scope: string): RequestSpec => ({
    path,
    headers: { ...FORM, authorization: basicAuthorization(clientId, secret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    expect: issued,
  });
  const signed = (path: string, clientId: string, audience: string, scope: string): RequestSpec => {
    const assertion = assertionMaker(c.clientJwk, clientId, audience);
    const fresh = () =>
      new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion(),
      }).toString();
    let pool: string[] = [];
    let madeOnTheSpot = 0;
    const makeBody = () => {
      const body = pool.pop();
      if (body !== undefined) return body;
      madeOnTheSpot++;
      return fresh();
    };
    const prepare = (count: number) => {
      const ranOut = madeOnTheSpot;
      madeOnTheSpot = 0;
      pool = Array.from({ length: count }, fresh);
      return ranOut;
    };
    return { path, headers: FORM, body: fresh(), makeBody, prepare, expect: issued };
  };
  const token = (id: string, name: string, server: ServerId, request: RequestSpec): Scenario => ({
    id,
    name,
    kind: 'token',
    peer: server === 'oidc',
    server,
    redis: server !== 'oidc',
    request,
  });
  const oidc = `peer: oidc-provider ${OIDC_PROVIDER_VERSION}`;
  const all: Scenario[] = [
    api('baseline', 'node:http baseline', 'baseline', false),
    api('platform-redis', 'platform (tsx), Redis store', 'platform-redis', true),
    api('peer-cache', 'peer: fastify + @fastify/jwt, verify cache on', 'peer-cache', true, true),
    api('platform-redis-js', 'platform (compiled JS), Redis store', 'platform-redis-js', true),
    api('peer-nocache', 'peer: fastify + @fastify/jwt, no verify cache', 'peer-nocache', true, true),
    api('platform-memory', 'platform (tsx), memory store', 'platform-memory', false),
    api('hono', 'Hono, no middleware', 'hono', false),
    token(
      'token-platform-basic',
      'platform token, client_secret_basic',
      'platform-redis',
      basic('/oauth2/token', BENCH_CLIENT_ID, c.platformSecret, PLATFORM_SCOPE),
    ),
    token(
      'token-oidc-basic',
      `${oidc}, client_secret_basic`,
      'oidc',
      basic('/token', 'bench-basic', c.oidcSecret, OIDC_SCOPE),
    ),
    token(
      'token-platform-jwt',
      'platform token, private_key_jwt',
      'platform-redis',
      signed('/oauth2/token', BENCH_SIGNED_CLIENT_ID, BENCH_ISSUER, PLATFORM_SCOPE),
    ),
    token(
      'token-oidc-jwt',
      `${oidc}, private_key_jwt`,
      'oidc',
      signed('/token', 'bench-signed', OIDC_ISSUER, OIDC_SCOPE),
    ),
  ];
  return all.filter((s) => !quick || s.id !== 'hono');
}
