import type { Hono } from 'hono';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { API_MODULES } from '../../apis/index.js';
import { createApiRouter } from '../../apis/common/router.js';
import type { Application } from '../../src/admin/applications.js';
import type { ApiModule } from '../../src/api-module.js';
import { createApp } from '../../src/app.js';
import type { ManualClock } from '../../src/clock.js';
import type {
  AccessQuery,
  ConsentRequest,
  ConsentRequestStatus,
  ConsentService,
  ConsentSource,
  LegalBasisDecision,
} from '../../src/consent/port.js';
import type { Deps } from '../../src/deps.js';
import type { Env } from '../../src/http/env.js';
import type { Runtime } from '../../src/runtime/port.js';
import type { Store } from '../../src/store/port.js';
import { testPlatform } from './app.js';

export const ISSUER = 'http://gateway.test';
export const TOKEN_URL = `${ISSUER}/oauth2/token`;
export const BC_AUTHORIZE_URL = `${ISSUER}/oauth2/bc-authorize`;
export const AUTHORIZE_URL = `${ISSUER}/oauth2/authorize`;
export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const REDIRECT_URI = 'https://client.example/callback';
export const GRANTS = {
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  ciba: 'urn:openid:params:grant-type:ciba',
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
} as const;

/** Number Verification's scopes, for the NV token rules (the API module itself lives elsewhere). */
export const NV_SCOPES = ['number-verification:verify', 'number-verification:device-phone-number:read'];
const nvStub: ApiModule = {
  name: 'number-verification',
  title: 'Number Verification (scopes only)',
  version: '2.1.0',
  basePath: '/number-verification/v2',
  scopes: NV_SCOPES,
  errors: {},
  router: () => createApiRouter(),
};

/** Sandbox subscribers used by the flow tests (docs/sandbox.md). */
export const SUBSCRIBER = {
  /** devices 198.51.100.1 (any port) and [2001:db8::1]; operator token ts43-sandbox-0001. */
  swapped: '+34600000001',
  /** no device, no operator token. */
  plain: '+34600000004',
  /** device 198.51.100.10:40010 only; operator token ts43-sandbox-0010. */
  cgnat: '+34600000010',
} as const;

/**
 * A consent service whose answers the test scripts: legitimate interest by default, or a given
 * decision per subscriber; consent requests live in memory and are decided with `decide()`.
 */
export class ScriptedConsent implements ConsentService {
  readonly decisions = new Map<string, LegalBasisDecision>();
  readonly requests = new Map<string, ConsentRequest>();
  readonly asked: (AccessQuery & { source: ConsentSource; ttlSeconds: number })[] = [];

  constructor(
    private readonly clock: ManualClock,
    private readonly publicUrl: string,
  ) {}

  async check(query: AccessQuery): Promise<LegalBasisDecision> {
    return this.decisions.get(query.subscriber) ?? { allowed: true, basis: 'legitimate_interest' };
  }

  async requestConsent(query: AccessQuery & { source: ConsentSource; ttlSeconds: number }) {
    this.asked.push(query);
    const now = this.clock.now();
    const request: ConsentRequest = {
      id: crypto.randomUUID(),
      clientId: query.clientId,
      purpose: query.purpose,
      scopes: [...query.scopes],
      subscriber: query.subscriber,
      source: query.source,
      status: 'pending',
      createdAt: now,
      expiresAt: now + query.ttlSeconds * 1000,
    };
    this.requests.set(request.id, request);
    return { request, captureUrl: `${this.publicUrl}/consent/${request.id}` };
  }

  async getRequest(id: string): Promise<ConsentRequest | null> {
    const request = this.requests.get(id);
    if (request === undefined) return null;
    return request.status === 'pending' && request.expiresAt <= this.clock.now()
      ? { ...request, status: 'expired' }
      : request;
  }

  /** The subscriber's answer (what the consent page records); a grant becomes the legal basis. */
  decide(id: string, status: ConsentRequestStatus): void {
    const request = this.requests.get(id);
    if (request === undefined) throw new Error(`no consent request ${id}`);
    this.requests.set(id, { ...request, status });
    if (status === 'granted') this.decisions.set(request.subscriber, { allowed: true, basis: 'consent' });
  }

  /** The id of the last consent request started. */
  lastId(): string {
    const ids = [...this.requests.keys()];
    const id = ids[ids.length - 1];
    if (id === undefined) throw new Error('no consent request');
    return id;
  }
}

export type TestClient = {
  clientId: string;
  secret: string;
  kid: string;
  privateKey: CryptoKey;
  app: Application;
};

export type FlowsPlatform = {
  app: Hono<Env>;
  deps: Deps;
  clock: ManualClock;
  consent: ScriptedConsent;
  /** A private_key_jwt + client_secret_basic client with every 3-legged grant. */
  client: TestClient;
  register(overrides?: Partial<Application>): Promise<TestClient>;
};

/** The memory platform (or a given store) with the NV scopes known and a scripted consent service. */
export async function flowsPlatform(
  options: { env?: Record<string, string>; store?: Store; clock?: ManualClock; runtime?: Runtime } = {},
): Promise<FlowsPlatform> {
  const base = await testPlatform(options);
  const consent = new ScriptedConsent(base.clock, base.deps.config.publicUrl);
  base.deps.consent = consent;
  // The NV scopes are needed for the NV token rules, whether or not the NV module is composed.
  const known = API_MODULES.some((m) => m.name === nvStub.name);
  const app = createApp(base.deps, {
    modules: known ? API_MODULES : [...API_MODULES, nvStub],
    runtime: options.runtime,
  });
  const register = (overrides: Partial<Application> = {}) => registerClient(base.deps, overrides);
  return { app, deps: base.deps, clock: base.clock, consent, client: await register(), register };
}

let counter = 0;

/** Onboards an application with a fresh ES256 key (published in its `jwks`) and a secret. */
export async function registerClient(deps: Deps, overrides: Partial<Application> = {}): Promise<TestClient> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const secret = `secret-${crypto.randomUUID()}`;
  const app: Application = {
    clientId: `client-${++counter}-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Flow test client',
    status: 'active',
    plan: 'sandbox',
    authMethods: ['private_key_jwt', 'client_secret_basic'],
    secretHash: await deps.clientSecrets.hash(secret),
    jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
    grantTypes: [GRANTS.jwtBearer, GRANTS.ciba, GRANTS.authorizationCode],
    scopes: ['sim-swap:check', 'sim-swap:retrieve-date', ...NV_SCOPES],
    purposes: [FRAUD],
    twoLeggedApis: [],
    redirectUris: [REDIRECT_URI],
    ...overrides,
  };
  await deps.applications.put(app);
  return { clientId: app.clientId, secret, kid, privateKey, app };
}

/** Signs claims with the client's key; `iat`/`exp`/`jti` default to a valid 60 s JWT. */
export async function signJwt(
  client: TestClient,
  clock: ManualClock,
  claims: JWTPayload,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ iss: client.clientId, iat: now, exp: now + 60, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: client.kid, ...header })
    .sign(client.privateKey);
}

/** A JWT-bearer grant assertion (ICM §7.3) for `sub`, valid unless overridden. */
export function grantAssertion(
  client: TestClient,
  clock: ManualClock,
  claims: JWTPayload = {},
): Promise<string> {
  return signJwt(client, clock, {
    sub: `tel:${SUBSCRIBER.swapped}`,
    aud: TOKEN_URL,
    scope: `${FRAUD} sim-swap:check`,
    ...claims,
  });
}

/** A private_key_jwt client assertion (RFC 7523 §2.2). */
export function clientAssertion(client: TestClient, clock: ManualClock, aud = ISSUER): Promise<string> {
  return signJwt(client, clock, { sub: client.clientId, aud });
}

export const basicAuth = (client: Pick<TestClient, 'clientId' | 'secret'>) =>
  `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`)}`;

/** A form POST to the authorization server. */
export function formPost(
  app: Hono<Env>,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    }),
  );
}

/** A token request authenticated with client_secret_basic. */
export function tokenRequest(
  app: Hono<Env>,
  client: TestClient,
  params: Record<string, string>,
): Promise<Response> {
  return formPost(app, '/oauth2/token', params, { authorization: basicAuth(client) });
}

/** The OAuth error of a response: status and `error` (RFC 6749 §5.2). */
export async function oauthError(res: Response): Promise<{ status: number; error: string }> {
  const body = (await res.json()) as { error: string };
  return { status: res.status, error: body.error };
}

/** A request from a device: the web runtime takes the TCP peer from the `peer` binding. */
export function fromDevice(
  app: Hono<Env>,
  url: string,
  peer: { ip: string; port?: number },
  init: RequestInit = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(url, init, {
      peer: { ip: peer.ip, port: peer.port ?? 50000 },
    }),
  );
}

/** A PKCE S256 pair (RFC 7636). */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
  // Web Crypto here, not src/hash.ts: the test computes the challenge independently of the platform.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url.encode(new Uint8Array(digest)) };
}

/** The query parameters of a redirect's Location. */
export function locationOf(res: Response): URL {
  const location = res.headers.get('location');
  if (location === null) throw new Error(`no Location (status ${res.status})`);
  return new URL(location);
}
