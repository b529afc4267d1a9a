import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  JsonWebKeySet,
  ServerMetadata,
  TOKEN_ENDPOINT_ERRORS,
  TokenResponse,
} from '../../src/auth/openapi.js';
import { authServerDocument } from '../../src/auth/index.js';
import { ManualClock } from '../../src/clock.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { DEMO, testPlatform } from '../support/app.js';
import { deref, REPO_ROOT, shapeOf, type Json } from '../support/openapi.js';

/** The authorization server answers as openapi/authorization-server.yaml documents it. */

const PUBLIC_URL = 'http://gateway.test';
const doc = authServerDocument(PUBLIC_URL);
const BASIC = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';

/** The documented error codes and header names of one token endpoint status. */
function documentedError(status: number): { codes: string[]; headers: string[] } {
  const responses = deref(doc, (doc.paths as Record<string, Record<string, Json>>)['/oauth2/token']?.post)
    .responses as Record<string, Json>;
  const response = deref(doc, responses[String(status)]);
  const media = (response.content as Record<string, Json>)['application/json'];
  return {
    codes: (shapeOf(doc, media?.schema).properties?.error?.enum ?? []).map(String),
    headers: Object.keys(response.headers as Json).map((h) => h.toLowerCase()),
  };
}

/** Only documented properties, each valid, every required one present. */
function expectDocumented(schema: z.ZodObject, body: unknown) {
  expect(schema.strict().safeParse(body).error?.issues ?? []).toEqual([]);
}

const tokenRequest = (
  app: Awaited<ReturnType<typeof testPlatform>>['app'],
  form: Record<string, string>,
  authorization: string | undefined = BASIC,
) =>
  app.request('/oauth2/token', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: new URLSearchParams(form).toString(),
  });

class SwitchableStore extends MemoryStore {
  down = false;
  broken = false;
  override async get(key: string): Promise<string | null> {
    if (this.down) throw new StoreUnavailableError();
    if (this.broken) throw new TypeError('internal detail that must not leak');
    return super.get(key);
  }
}

describe('authorization server against its OpenAPI document', () => {
  it('token: 200 body is the documented TokenResponse, with no-store caching (RFC 6749 §5.1)', async () => {
    const { app } = await testPlatform();
    const res = await tokenRequest(app, { grant_type: 'client_credentials', scope: SCOPE });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('x-correlator')).not.toBeNull();
    expectDocumented(TokenResponse, await res.json());
  });

  it('token: every documented error code is answered with its documented status and headers', async () => {
    const clock = new ManualClock();
    const store = new SwitchableStore(clock);
    const { app, deps } = await testPlatform({ store, clock });
    const demo = await deps.applications.get(DEMO.clientId);
    await deps.applications.put({ ...demo!, clientId: 'no-grant-app', grantTypes: [] });
    const cases: [number, string, Response][] = [
      [400, 'invalid_request', await tokenRequest(app, { scope: SCOPE })],
      [400, 'unsupported_grant_type', await tokenRequest(app, { grant_type: 'password', scope: SCOPE })],
      [400, 'invalid_scope', await tokenRequest(app, { grant_type: 'client_credentials' })],
      [
        400,
        'unauthorized_client',
        await tokenRequest(
          app,
          { grant_type: 'client_credentials', scope: SCOPE },
          `Basic ${btoa(`no-grant-app:${DEMO.secret}`)}`,
        ),
      ],
      [
        401,
        'invalid_client',
        await tokenRequest(app, { grant_type: 'client_credentials', scope: SCOPE }, `Basic ${btoa('x:y')}`),
      ],
    ];
    store.down = true;
    cases.push([
      503,
      'temporarily_unavailable',
      await tokenRequest(app, { grant_type: 'client_credentials', scope: SCOPE }, `Basic ${btoa('z:y')}`),
    ]);
    store.down = false;
    store.broken = true;
    const broken = await tokenRequest(
      app,
      { grant_type: 'client_credentials', scope: SCOPE },
      `Basic ${btoa('q:y')}`,
    );
    expect(await broken.clone().text()).not.toContain('internal detail');
    cases.push([500, 'server_error', broken]);

    for (const [status, code, res] of cases) {
      const documented = documentedError(status);
      expect(res.status, code).toBe(status);
      const body = (await res.json()) as Json;
      expect(Object.keys(body).sort(), code).toEqual(['error', 'error_description']);
      expect(body.error).toBe(code);
      expect(documented.codes, code).toContain(code);
      for (const header of documented.headers)
        expect(res.headers.get(header), `${code} ${header}`).not.toBeNull();
    }
    expect(cases.map(([, code]) => code).sort()).toEqual([...TOKEN_ENDPOINT_ERRORS].sort());
  });

  it('token: every OAuth error the token endpoint code can throw is documented', () => {
    const dir = join(REPO_ROOT, 'src');
    const files = [
      'auth/token-endpoint.ts',
      'auth/form.ts',
      'auth/client-auth.ts',
      'auth/scope.ts',
      'http/on-error.ts',
      ...readdirSync(join(dir, 'auth/grants')).map((f) => `auth/grants/${f}`),
    ];
    const thrown = new Set<string>();
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const m of source.matchAll(/new OAuthError\(\s*'([a-z_]+)'/g)) thrown.add(m[1] as string);
    }
    expect(thrown.size).toBeGreaterThan(0);
    expect(
      [...thrown].filter((code) => !(TOKEN_ENDPOINT_ERRORS as readonly string[]).includes(code)),
    ).toEqual([]);
  });

  it('jwks and both metadata documents are exactly the documented objects', async () => {
    const { app } = await testPlatform();
    const jwks = (await (await app.request('/oauth2/jwks')).json()) as { keys: object[] };
    expectDocumented(JsonWebKeySet, jwks);
    for (const key of jwks.keys) expectDocumented(JsonWebKeySet.shape.keys.element, key);
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expectDocumented(ServerMetadata, await res.json());
    }
  });

  it('serves the documents with the deployment as the default apiRoot', async () => {
    const { app } = await testPlatform({ env: { PUBLIC_URL } });
    const auth = await app.request('/openapi/authorization-server.json');
    expect(auth.status).toBe(200);
    expect(await auth.json()).toEqual(doc);
    const simSwap = (await (await app.request('/openapi/sim-swap.json')).json()) as { servers: unknown };
    expect(simSwap.servers).toEqual([
      {
        url: '{apiRoot}/sim-swap/v2',
        variables: { apiRoot: { default: PUBLIC_URL, description: expect.any(String) } },
      },
    ]);
  });
});
