import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { importJWK, SignJWT, type JWK } from 'jose';
import * as client from 'openid-client';
import { expect } from 'vitest';
import privateJwks from '../../../sandbox/demo-backend.private-jwks.json' with { type: 'json' };
import { createApp } from '../../../src/app.js';
import { nodeRuntime } from '../../../src/runtime/node.js';
import { buildDeps, seedSandbox } from '../../../src/bootstrap.js';
import { parseConfig } from '../../../src/config.js';
import type { Deps } from '../../../src/deps.js';
import { createLogger } from '../../../src/log.js';
import { SANDBOX_SUBSCRIBERS } from '../../../src/sandbox-seed.js';
import { MemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/port.js';
import { RedisStore } from '../../../src/store/redis.js';
import { OPERATOR_ENV, OPERATOR_KEY } from '../../support/consent.js';
import { RunningClock } from '../../support/running-clock.js';
import { redisUrl, uniquePrefix, type Engine } from './server.js';

export const CREDIT = 'dpv:CreditChecking';
export const FRAUD = 'dpv:FraudPreventionAndDetection';
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The sandbox applications of docs/authorization.md, with their published test credentials. */
export const DEMO_APP = {
  clientId: 'demo-app',
  secret: 'demo-secret-not-for-production',
  redirectUri: 'http://localhost:3000/callback',
} as const;
export const DEMO_BACKEND = 'demo-backend';
/** Every number of the sandbox, and one the network does not know. */
export const NUMBERS = [...SANDBOX_SUBSCRIBERS.subscribers.map((s) => s.phoneNumber), '+34699999999'];

/**
 * The whole platform as `npm start` composes it (the real consent service, the sandbox channel,
 * the operator API), on a real socket, on the memory engine or a real Redis. Every log line is
 * kept, at debug level and with the logger's redaction off, so that a test can prove the code
 * itself never writes a number. 127.0.0.1 plays the operator's edge proxy (TRUSTED_PROXIES).
 */
export type ConsentServer = {
  url: string;
  deps: Deps;
  clock: RunningClock;
  logs: string[];
  /**
   * The log lines once one of them holds `text`: a Worker's lines reach its output after the
   * response that caused them, the in-process platform's before it.
   */
  loggedWith(text: string): Promise<string[]>;
  close(): Promise<void>;
};

export async function startConsentServer(
  engine: Engine,
  env: Record<string, string> = {},
): Promise<ConsentServer> {
  const slot: { fetch?: (request: Request, env: unknown) => Response | Promise<Response> } = {};
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      {
        fetch: (request, bindings) =>
          slot.fetch ? slot.fetch(request, bindings) : new Response(null, { status: 503 }),
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clock = new RunningClock();
  let store: Store;
  if (engine === 'redis') {
    const redis = new RedisStore({ url: redisUrl(), keyPrefix: uniquePrefix() });
    await redis.connect();
    store = redis;
  } else {
    store = new MemoryStore(clock);
  }
  const logs: string[] = [];
  const config = parseConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: url,
    TRUSTED_PROXIES: '127.0.0.1',
    CLIENT_IP_HEADER: 'x-forwarded-for',
    CLIENT_PORT_HEADER: 'x-forwarded-port',
    LOG_LEVEL: 'debug',
    ...OPERATOR_ENV,
    ...env,
  });
  const logger = createLogger('debug', (line) => logs.push(line), { redact: false });
  const deps = await buildDeps(config, { store, clock, logger });
  await seedSandbox(deps);
  const app = createApp(deps, { runtime: nodeRuntime });
  slot.fetch = (request, bindings) => app.fetch(request, bindings);
  return {
    url,
    deps,
    clock,
    logs,
    loggedWith: async () => logs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server)
          (server as { closeAllConnections(): void }).closeAllConnections();
      });
      await store.close();
    },
  };
}

/** No log line carries a subscriber number, in any form (digits with or without the +). */
export function expectNoNumbersIn(logs: readonly string[]): void {
  expect(logs.length).toBeGreaterThan(0);
  for (const number of NUMBERS) {
    const leaked = logs.filter((line) => line.includes(number.slice(1)));
    expect(leaked, `${number} appears in the logs`).toEqual([]);
  }
}

/**
 * openid-client configured by discovery. Each CIBA poll advances the server's clock by one
 * interval first, so that polling is never too fast and no test waits.
 */
async function discover(s: ConsentServer, clientId: string, auth: client.ClientAuth) {
  const config = await client.discovery(
    new URL(s.url),
    clientId,
    { id_token_signed_response_alg: 'ES256' },
    auth,
    { execute: [client.allowInsecureRequests] },
  );
  config[client.customFetch] = (url, options) => {
    const poll = url.endsWith('/oauth2/token') && String(options.body).includes('auth_req_id=');
    if (poll) s.clock.advance(s.deps.config.ciba.intervalSeconds * 1000);
    return fetch(url, options as RequestInit);
  };
  return config;
}

/** demo-app: client_secret_basic; client credentials, authorization code and CIBA. */
export const demoApp = (s: ConsentServer) =>
  discover(s, DEMO_APP.clientId, client.ClientSecretBasic(DEMO_APP.secret));

/**
 * demo-backend: private_key_jwt with its published sandbox key; JWT-bearer and CIBA. Its
 * assertions take their times from the server's clock (a client kept in sync with the server),
 * which the CIBA polls move ahead of the wall clock.
 */
export async function demoBackend(s: ConsentServer) {
  const jwk = privateJwks.keys[0] as JWK;
  const key = (await importJWK(jwk, 'ES256')) as CryptoKey;
  const auth = client.PrivateKeyJwt(
    { key, kid: jwk.kid },
    {
      [client.modifyAssertion]: (_header, payload) => {
        const now = Math.floor(s.clock.now() / 1000);
        Object.assign(payload, { iat: now, nbf: now, exp: now + 60 });
      },
    },
  );
  const config = await discover(s, DEMO_BACKEND, auth);
  /** A JWT-bearer grant for `subject` (ICM §7.3: the scope inside the signed assertion). */
  const jwtBearer = async (subject: string, scope: string) => {
    const now = Math.floor(s.clock.now() / 1000);
    const assertion = await new SignJWT({ scope })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string })
      .setIssuer(DEMO_BACKEND)
      .setSubject(subject)
      .setAudience(config.serverMetadata().token_endpoint as string)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .setJti(crypto.randomUUID())
      .sign(key);
    return client.genericGrantRequest(config, JWT_BEARER_GRANT, { assertion });
  };
  return { config, jwtBearer };
}

/** A POST to the operator's internal API (OPERATOR_API_KEYS). */
export function operatorPost(s: ConsentServer, path: string, body: unknown): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
    body: JSON.stringify(body),
  });
}

/** A CAMARA API call with a bearer token; the status and the parsed body. */
export async function callApi(
  s: ConsentServer,
  path: string,
  token: string,
  body: unknown = {},
  method = 'POST',
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

export const PERMISSION_DENIED = {
  status: 403,
  code: 'PERMISSION_DENIED',
  message: 'Client does not have sufficient permissions to perform this action.',
};

type Notification = { requestId: string; clientId: string; purpose: string; scopes: string[]; url: string };

/** What the sandbox channel "sent" for an application and purpose, still pending, newest first. */
export async function notifications(
  s: ConsentServer,
  clientId: string,
  purpose?: string,
): Promise<Notification[]> {
  const res = await fetch(`${s.url}/sandbox/consent-notifications?clientId=${clientId}`);
  expect(res.status).toBe(200);
  const { notifications: list } = (await res.json()) as { notifications: Notification[] };
  return list.filter((n) => purpose === undefined || n.purpose === purpose);
}

/**
 * A browser: a cookie jar (name, value, path; Max-Age=0 deletes) and no automatic redirects, so
 * each hop can be asserted. A POST carries the page's Origin, as browsers send it.
 */
export class Browser {
  private readonly jar = new Map<string, { value: string; path: string }>();

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = [...this.jar]
      .filter(([, c]) => target.pathname === c.path || target.pathname.startsWith(`${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`);
    if (cookies.length > 0) headers.set('cookie', cookies.join('; '));
    if (init.method === 'POST' && !headers.has('origin')) headers.set('origin', target.origin);
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(line);
    return res;
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const attr = (key: string) =>
      attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    if (attr('max-age') === '0' || pair.slice(at + 1) === '') {
      this.jar.delete(name);
      return;
    }
    this.jar.set(name, { value: pair.slice(at + 1), path: attr('path') ?? '/' });
  }

  has(name: string): boolean {
    return this.jar.has(name);
  }
}

/**
 * The subscriber opens the consent link and presses a button: GET the page, read its anti-CSRF
 * field, POST the answer. Returns the POST's response.
 */
export async function answerConsent(
  browser: Browser,
  link: string,
  decision: 'grant' | 'deny',
): Promise<Response> {
  const page = await browser.fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  const t = field('t');
  const csrf = field('csrf');
  expect(t).toBeDefined();
  expect(csrf).toBeDefined();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  expect(action).toBe(link.split('?')[0]);
  return browser.fetch(action as string, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: t as string, csrf: csrf as string, decision }).toString(),
  });
}
