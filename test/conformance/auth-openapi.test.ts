import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_MODULES } from '../../apis/index.js';
import { scopeCatalogue } from '../../src/app.js';
import { LIMITED_ENDPOINTS } from '../../src/auth/endpoint-limits.js';
import { authServer } from '../../src/auth/index.js';
import {
  AUTHORIZE_ERRORS,
  JsonWebKeySet,
  ServerMetadata,
  TOKEN_ENDPOINT_ERRORS,
  TokenResponse,
} from '../../src/auth/openapi.js';
import { ManualClock } from '../../src/clock.js';
import { DEMO, testPlatform } from '../support/app.js';
import {
  doc,
  documentedErrors,
  expectDocumented,
  expectDocumentedError,
  operation,
  PUBLIC_URL,
  redirectErrors,
  type Method,
} from '../support/oauth-openapi.js';
import { deref, REPO_ROOT, type Json } from '../support/openapi.js';
import {
  collect,
  definingModule,
  filesOf,
  oauthCodesIn,
  parametersIn,
  reachableModules,
} from '../support/source-scan.js';
import {
  basicAuth,
  flowsPlatform,
  formPost,
  FRAUD,
  GRANTS,
  signJwt,
  SUBSCRIBER,
  tokenRequest,
} from '../support/flows.js';
import { SwitchableStore } from '../support/switchable-store.js';

/** The authorization server answers as openapi/authorization-server.yaml documents it. */

const BASIC = `Basic ${btoa(`${DEMO.clientId}:${DEMO.secret}`)}`;
const SCOPE = `${FRAUD} sim-swap:check`;
const src = (file: string) => join(REPO_ROOT, 'src', file);

/** Each route of the authorization server and the handler factory src/auth/index.ts mounts on it. */
const HANDLERS: Record<string, string> = {
  'POST /oauth2/token': 'tokenEndpoint',
  'GET /oauth2/authorize': 'authorizeEndpoint',
  'POST /oauth2/authorize': 'authorizeEndpoint',
  'GET /oauth2/authorize/continue': 'continueEndpoint',
  'POST /oauth2/bc-authorize': 'backchannelAuthentication',
  'POST /oauth2/introspect': 'introspectionEndpoint',
  'POST /oauth2/revoke': 'revocationEndpoint',
};
/** Answered inline by src/auth/index.ts: no OAuth error, no parameter. */
const INLINE = [
  'GET /oauth2/jwks',
  'GET /.well-known/openid-configuration',
  'GET /.well-known/oauth-authorization-server',
];

/** The files that run for a route: its handler's module graph, the /oauth2 middleware and onError. */
function filesFor(route: string): string[] {
  const index = src('auth/index.ts');
  const handler = HANDLERS[route] as string;
  const files = new Set(filesOf(reachableModules(definingModule(index, handler), [handler])));
  // The /oauth2/* body limit is in index.ts itself (its own code, not the modules it mounts).
  files.add(index);
  for (const f of filesOf(reachableModules(src('http/on-error.ts')))) files.add(f);
  const path = route.split(' ')[1] as string;
  if (route.startsWith('POST ') && (LIMITED_ENDPOINTS as readonly string[]).includes(path)) {
    for (const f of filesOf(reachableModules(src('auth/endpoint-limits.ts')))) files.add(f);
  }
  return [...files];
}

function documentedParameters(path: string, method: Method): string[] {
  const op = operation(path, method);
  const query = ((op.parameters ?? []) as Json[]).map((p) => String(deref(doc, p).name));
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const form = body?.['application/x-www-form-urlencoded']?.schema;
  const fields = form === undefined ? [] : Object.keys(deref(doc, form).properties as Json);
  return [...query, ...fields];
}

describe('authorization server against its OpenAPI document', () => {
  it('documents every route the authorization server mounts, and no other', () => {
    const mounted = authServer(scopeCatalogue(API_MODULES))
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const documented = Object.entries(doc.paths as Record<string, Json>)
      .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(mounted);
    expect([...Object.keys(HANDLERS), ...INLINE].sort()).toEqual(mounted);
  });

  describe.each(Object.keys(HANDLERS))('%s: the sources', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const files = filesFor(route);

    it('reach the handler and its helpers', () => {
      // A sanity check of the module graph itself: the handler's own module is in it.
      const handler = definingModule(src('auth/index.ts'), HANDLERS[route] as string);
      expect(files).toContain(handler);
      expect(files.length).toBeGreaterThan(3);
    });

    it('throw only documented OAuth errors', () => {
      const thrown = collect(files, oauthCodesIn);
      const documented = new Set([
        ...documentedErrors(path, method.toLowerCase() as Method).keys(),
        ...(path.startsWith('/oauth2/authorize') ? redirectErrors(path, method.toLowerCase() as Method) : []),
      ]);
      expect(thrown.size).toBeGreaterThan(0);
      const undocumented = [...thrown].filter(([code]) => !documented.has(code));
      expect(Object.fromEntries(undocumented)).toEqual({});
    });

    it('read only documented parameters', () => {
      const read = collect(files, parametersIn);
      const documented = new Set(documentedParameters(path, method.toLowerCase() as Method));
      const undocumented = [...read].filter(([name]) => !documented.has(name));
      expect(Object.fromEntries(undocumented)).toEqual({});
    });
  });

  it('authorize: the errors raised before the redirect URI is verified are the documented 400s', () => {
    const files = filesOf(reachableModules(src('auth/authorize/params.ts')));
    const thrown = [...collect(files, oauthCodesIn).keys()];
    expect(thrown.length).toBeGreaterThan(0);
    expect(thrown.filter((code) => !(code in AUTHORIZE_ERRORS))).toEqual([]);
  });

  it('token: the 200 bodies are the documented TokenResponse, with no-store caching (RFC 6749 §5.1)', async () => {
    const { app } = await testPlatform();
    const res = await tokenRequestOf(app, { grant_type: 'client_credentials', scope: SCOPE });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('x-correlator')).not.toBeNull();
    expectDocumented(TokenResponse, await res.json());

    // With refresh_token and id_token (CIBA, openid offline_access), then a refresh.
    const p = await flowsPlatform();
    const started = await formPost(
      p.app,
      '/oauth2/bc-authorize',
      { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: `openid offline_access ${SCOPE}` },
      { authorization: basicAuth(p.client) },
    );
    const { auth_req_id } = (await started.json()) as { auth_req_id: string };
    const full = await tokenRequest(p.app, p.client, { grant_type: GRANTS.ciba, auth_req_id });
    const tokens = (await full.json()) as { refresh_token: string; id_token: string };
    expectDocumented(TokenResponse, tokens);
    expect(Object.keys(tokens)).toEqual(expect.arrayContaining(['refresh_token', 'id_token']));
    const refreshed = await tokenRequest(p.app, p.client, {
      grant_type: GRANTS.refreshToken,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    expectDocumented(TokenResponse, await refreshed.json());
  });

  it('token: every documented error code is answered with its documented status and headers', async () => {
    const clock = new ManualClock();
    const store = new SwitchableStore(clock);
    const p = await flowsPlatform({ store, clock });
    const send = (form: Record<string, string>, authorization: string | null = BASIC) =>
      tokenRequestOf(p.app, form, authorization);
    const user = basicAuth(p.client);
    const cases: [string, Response][] = [
      ['invalid_request', await send({ scope: SCOPE })],
      ['unsupported_grant_type', await send({ grant_type: 'password', scope: SCOPE })],
      ['invalid_scope', await send({ grant_type: 'client_credentials' })],
      ['unauthorized_client', await send({ grant_type: 'client_credentials', scope: SCOPE }, user)],
      [
        'invalid_client',
        await send({ grant_type: 'client_credentials', scope: SCOPE }, `Basic ${btoa('x:y')}`),
      ],
      // The JWT-bearer assertion authenticates the client: an unknown issuer is invalid_client too.
      [
        'invalid_client',
        await send(
          {
            grant_type: GRANTS.jwtBearer,
            assertion: await signJwt({ ...p.client, clientId: 'no-such-client' }, clock, { sub: 'tel:+1' }),
          },
          null,
        ),
      ],
      ['invalid_grant', await send({ grant_type: GRANTS.refreshToken, refresh_token: 'unknown' }, user)],
    ];
    // RFC 8707: the admin audience is asked for with client credentials only (docs/operator.md).
    cases.push([
      'invalid_target',
      await send({ grant_type: GRANTS.refreshToken, resource: `${p.deps.config.publicUrl}/admin` }, user),
    ]);
    // CIBA polling (CIBA Core §11): pending, too fast, denied, expired.
    p.consent.decisions.set(SUBSCRIBER.swapped, { allowed: false, reason: 'consent_required' });
    const bc = async () => {
      const res = await formPost(
        p.app,
        '/oauth2/bc-authorize',
        { login_hint: `tel:${SUBSCRIBER.swapped}`, scope: SCOPE },
        { authorization: user },
      );
      return ((await res.json()) as { auth_req_id: string }).auth_req_id;
    };
    const poll = (auth_req_id: string) => send({ grant_type: GRANTS.ciba, auth_req_id }, user);
    const pending = await bc();
    cases.push(['authorization_pending', await poll(pending)]);
    cases.push(['slow_down', await poll(pending)]);
    p.consent.decide(p.consent.lastId(), 'denied');
    clock.advance(10_000);
    cases.push(['access_denied', await poll(pending)]);
    const late = await bc();
    clock.advance(300_000);
    cases.push(['expired_token', await poll(late)]);

    store.fail('down', ['get']);
    cases.push([
      'temporarily_unavailable',
      await send({ grant_type: 'client_credentials', scope: SCOPE }, `Basic ${btoa('z:y')}`),
    ]);
    store.fail('broken', ['get']);
    cases.push([
      'server_error',
      await send({ grant_type: 'client_credentials', scope: SCOPE }, `Basic ${btoa('q:y')}`),
    ]);
    store.heal();

    const limited = await testPlatform({ env: { OAUTH_CLIENT_REQUESTS_PER_MINUTE: '1' } });
    await tokenRequestOf(limited.app, { grant_type: 'client_credentials', scope: SCOPE });
    cases.push([
      'too_many_requests',
      await tokenRequestOf(limited.app, { grant_type: 'client_credentials', scope: SCOPE }),
    ]);

    const answered = new Set<string>();
    for (const [code, res] of cases)
      answered.add(await expectDocumentedError('/oauth2/token', 'post', res, code));
    expect([...answered].sort()).toEqual(Object.keys(TOKEN_ENDPOINT_ERRORS).sort());
    expect([...documentedErrors('/oauth2/token', 'post').keys()].sort()).toEqual([...answered].sort());
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

function tokenRequestOf(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  form: Record<string, string>,
  authorization: string | null = BASIC,
) {
  return Promise.resolve(
    app.request('/oauth2/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization === null ? {} : { authorization }),
      },
      body: new URLSearchParams(form).toString(),
    }),
  );
}
