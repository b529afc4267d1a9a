import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentSource } from '../../src/consent/port.js';
import { freePort } from '../../scripts/free-port.js';
import { OPERATOR_ENV } from '../support/consent.js';
import { testPlatform, type TestPlatform } from '../support/app.js';

const CREDIT = 'dpv:CreditChecking';
const NUMBER = '+34600000001';

/** The consent page over a real socket, as a phone's browser uses it. */
describe('consent page (real HTTP)', () => {
  let p: TestPlatform;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    p = await testPlatform({ env: { ...OPERATOR_ENV, PUBLIC_URL: base } });
    server = serve({ fetch: p.app.fetch, port, hostname: '127.0.0.1' });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const capture = async (source: ConsentSource = 'ciba', subscriber = NUMBER, ttlSeconds = 300) =>
    p.deps.consent.requestConsent({
      clientId: 'demo-app',
      purpose: CREDIT,
      subscriber,
      scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
      source,
      ttlSeconds,
    });
  const allowed = async (subscriber = NUMBER) =>
    (
      await p.deps.consent.check({
        clientId: 'demo-app',
        purpose: CREDIT,
        subscriber,
        scopes: ['sim-swap:check'],
      })
    ).allowed;

  /** Opens the link like a browser: the page, its form fields and the cookie it set. */
  async function open(url: string) {
    const res = await fetch(url);
    const html = await res.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    return { res, html, t: field('t'), csrf: field('csrf'), cookie };
  }

  function answer(
    id: string,
    fields: Record<string, string | undefined>,
    headers: Record<string, string> = {},
  ) {
    const body = new URLSearchParams(
      Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    return fetch(`${base}/consent/${id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
      body,
    });
  }

  it('shows a self-contained, mobile-friendly page with who, why and what', async () => {
    const { request, captureUrl } = await capture();
    const { res, html, t, csrf, cookie } = await open(captureUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const csp = res.headers.get('content-security-policy') as string;
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'nonce-[0-9a-f]{32}'; form-action 'self' http:\/\/127\.0\.0\.1:\d+; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script|<link|<img|https?:\/\/(?!127\.0\.0\.1)/i);
    expect(html).toContain('Demo Bank (sandbox) asks to use information about your mobile line');
    expect(html).toContain('<strong>Credit checking</strong>');
    expect(html).toContain('<li>Whether the SIM card of your line was changed recently</li>');
    expect(html).toContain('<li>When the SIM card of your line was last changed</li>');
    expect(html).not.toContain('34600000001');
    expect(html).toContain(`action="${base}/consent/${request.id}"`);
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get('set-cookie')).toMatch(
      new RegExp(
        `^cg_consent=[A-Za-z0-9_-]{22}; Max-Age=300; Path=/consent/${request.id}; HttpOnly; SameSite=Strict$`,
      ),
    );
    expect(cookie).toBeDefined();
  });

  it('records an approval once; a replayed form gets a clear refusal', async () => {
    const { request, captureUrl } = await capture();
    const { t, csrf, cookie } = await open(captureUrl);
    const approve = await answer(request.id, { t, csrf, decision: 'grant' }, { cookie: cookie as string });
    expect(approve.status).toBe(200);
    expect(await approve.text()).toContain('You approved the request of Demo Bank (sandbox)');
    expect(await allowed()).toBe(true);
    const replay = await answer(request.id, { t, csrf, decision: 'grant' }, { cookie: cookie as string });
    expect(replay.status).toBe(409);
    expect(await replay.text()).toContain('This request has already been answered.');
    const reopen = await open(captureUrl);
    expect(reopen.res.status).toBe(409);
  });

  it('records a denial and stores no consent', async () => {
    const { request, captureUrl } = await capture('ciba', '+34600000002');
    const { t, csrf, cookie } = await open(captureUrl);
    const deny = await answer(request.id, { t, csrf, decision: 'deny' }, { cookie: cookie as string });
    expect(deny.status).toBe(200);
    expect(await deny.text()).toContain('You denied the request of Demo Bank (sandbox). Nothing was shared.');
    expect(await allowed('+34600000002')).toBe(false);
  });

  it('refuses forged, cross-site and borrowed answers without storing anything', async () => {
    const subscriber = '+34600000003';
    const mine = await capture('ciba', subscriber);
    const other = await capture('ciba', '+34600000004');
    const { t, csrf, cookie } = await open(mine.captureUrl);
    const fields = { t, csrf, decision: 'grant' };
    const cases: [Response, number][] = [
      [await answer(mine.request.id, fields), 403], // no cookie
      [await answer(mine.request.id, { ...fields, csrf: 'A'.repeat(43) }, { cookie: cookie as string }), 403],
      [
        await answer(mine.request.id, fields, { cookie: cookie as string, origin: 'https://evil.example' }),
        403,
      ],
      [await answer(mine.request.id, { ...fields, t: 'A'.repeat(43) }, { cookie: cookie as string }), 404],
      // Someone else's request, approved with this subscriber's link: the link names one request only.
      [await answer(other.request.id, fields, { cookie: cookie as string }), 404],
      [await answer(mine.request.id, { t, csrf, decision: 'maybe' }, { cookie: cookie as string }), 400],
    ];
    expect(cases.map(([res]) => res.status)).toEqual(cases.map(([, status]) => status));
    expect(await cases[4]?.[0].text()).toContain('This consent link is not valid.');
    expect(await allowed(subscriber)).toBe(false);
    expect(await allowed('+34600000004')).toBe(false);
    expect((await p.deps.consent.getRequest(other.request.id))?.status).toBe('pending');
    expect((await p.deps.consent.getRequest(mine.request.id))?.status).toBe('pending');
  });

  it('refuses an expired request', async () => {
    const { request, captureUrl } = await capture('ciba', '+34600000005', 60);
    const { t, csrf, cookie } = await open(captureUrl);
    p.clock.advance(61_000);
    const late = await answer(request.id, { t, csrf, decision: 'grant' }, { cookie: cookie as string });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('This request has expired. Nothing was shared.');
    expect(await allowed('+34600000005')).toBe(false);
    expect((await open(captureUrl)).res.status).toBe(410);
  });

  it('sends the browser back to the authorization endpoint after an authorize-flow decision', async () => {
    const { request, captureUrl } = await capture('authorize', '+34600000006');
    expect(p.deps.consentNotifier).toBeDefined();
    const listed = await (
      await fetch(`${base}/sandbox/consent-notifications?requestId=${request.id}`)
    ).json();
    expect(listed).toEqual({ notifications: [] }); // the browser already holds the page: no message sent
    const { t, csrf, cookie } = await open(captureUrl);
    const res = await answer(request.id, { t, csrf, decision: 'grant' }, { cookie: cookie as string });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `${base}/oauth2/authorize/continue?consent_request=${request.id}`,
    );
  });

  it("without the link token, points the user to the operator's message", async () => {
    const { request } = await capture('consent-info', '+34600000008');
    const res = await fetch(`${base}/consent/${request.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Check your phone');
    expect(html).not.toContain('<form');
  });
});
