import { describe, expect, it } from 'vitest';
import { post, testPlatform } from '../support/app.js';
import { CORRELATOR, expectError, standard, type Operation } from '../support/camara-assert.js';
import { camaraFacts } from '../support/openapi-schema.js';

/** x-correlator, routing (404/405) and the security headers of every response. */

const CHECK = '/sim-swap/v2/check';
const op: Operation = { doc: camaraFacts('sim-swap'), path: '/check', method: 'post' };
const VALID = { phoneNumber: '+34600000001' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('x-correlator (Commonalities §x-correlator)', () => {
  it.each([
    ['too long (257 characters)', 'a'.repeat(257)],
    ['a space', 'abc def'],
    ['a dollar sign', 'abc$'],
    ['quotes', 'abc"def'],
    ['a comma', 'a,b'],
    ['an equals sign', 'a=b'],
    ['a percent sign', 'a%20b'],
    ['markup quotes', "<script>alert('x')</script>"],
  ])('a value with %s is 400 INVALID_ARGUMENT and is not echoed', async (_label, value) => {
    const p = await testPlatform();
    const res = await post(p.app, CHECK, VALID, await p.token(), { 'x-correlator': value });
    const expected = { status: 400, code: 'INVALID_ARGUMENT', message: 'Invalid x-correlator header.' };
    await expectError(res, { ...expected, correlator: 'generated' }, op);
    expect(res.headers.get('x-correlator')).not.toBe(value);
  });

  it('a bad x-correlator is refused before authentication, on every route', async () => {
    const p = await testPlatform();
    const bad = { 'x-correlator': 'a b' };
    const expected = { status: 400, code: 'INVALID_ARGUMENT', correlator: 'generated' as const };
    await expectError(await post(p.app, CHECK, VALID, undefined, bad), expected);
    await expectError(await p.app.request('/health', { headers: bad }), expected);
  });

  it('the longest and the most varied valid values are echoed', async () => {
    const p = await testPlatform();
    const token = await p.token();
    for (const value of ['a'.repeat(256), 'aZ09-_:;./<>{}']) {
      const res = await post(p.app, CHECK, VALID, token, { 'x-correlator': value });
      expect({ status: res.status, correlator: res.headers.get('x-correlator') }).toEqual({
        status: 200,
        correlator: value,
      });
    }
  });

  it('an absent or empty x-correlator gets a generated UUID, one per request', async () => {
    const p = await testPlatform();
    const token = await p.token();
    const seen = new Set<string>();
    for (const headers of [{}, {}, { 'x-correlator': '' }] as Record<string, string>[]) {
      const res = await p.app.request(CHECK, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify(VALID),
      });
      expect(res.status).toBe(200);
      const value = res.headers.get('x-correlator') as string;
      expect(value).toMatch(UUID);
      seen.add(value);
    }
    expect(seen.size).toBe(3);
  });
});

describe('routing', () => {
  it.each(['/nope', '/sim-swap/v3/check', '/sim-swap', '/openapi/nope.json'])(
    'GET %s is 404 NOT_FOUND',
    async (path) => {
      const p = await testPlatform();
      const res = await p.app.request(path, { headers: { 'x-correlator': CORRELATOR } });
      await expectError(res, standard('NOT_FOUND'));
    },
  );

  it.each(['/sim-swap/v2/nope', '/sim-swap/v2/check/', '/sim-swap/v2/check/x', '/sim-swap/v2/CHECK'])(
    'POST %s with a valid token is 404 NOT_FOUND',
    async (path) => {
      const p = await testPlatform();
      await expectError(await post(p.app, path, VALID, await p.token()), standard('NOT_FOUND'));
    },
  );

  it.each([
    ['GET', '/sim-swap/v2/check'],
    ['PUT', '/sim-swap/v2/check'],
    ['DELETE', '/sim-swap/v2/retrieve-date'],
    ['PATCH', '/sim-swap/v2/retrieve-date'],
    ['OPTIONS', '/sim-swap/v2/check'],
  ])('%s %s is 405 METHOD_NOT_ALLOWED with Allow: POST', async (method, path) => {
    const p = await testPlatform();
    const res = await p.app.request(path, {
      method,
      headers: { authorization: `Bearer ${await p.token()}`, 'x-correlator': CORRELATOR },
    });
    expect(res.headers.get('allow')).toBe('POST');
    await expectError(res, standard('METHOD_NOT_ALLOWED'));
  });

  it('the body is not read for a wrong path or method: a broken body stays a 404 or 405', async () => {
    const p = await testPlatform();
    const token = await p.token();
    await expectError(await post(p.app, '/sim-swap/v2/nope', '{', token), standard('NOT_FOUND'));
    const res = await p.app.request(CHECK, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'x-correlator': CORRELATOR },
      body: '{',
    });
    await expectError(res, standard('METHOD_NOT_ALLOWED'));
  });

  it('under an API base path the token comes first: no route probing without one', async () => {
    const p = await testPlatform();
    const headers = { 'x-correlator': CORRELATOR };
    await expectError(await p.app.request(CHECK, { headers }), standard('UNAUTHENTICATED'));
    await expectError(await post(p.app, '/sim-swap/v2/nope', VALID, undefined), standard('UNAUTHENTICATED'));
  });
});

describe('security headers', () => {
  const EXPECTED = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
  };
  const headersOf = (res: Response) =>
    Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));

  it('are on successes, every kind of refusal, and platform routes', async () => {
    const p = await testPlatform({ env: { MAX_BODY_BYTES: '256' } });
    const token = await p.token();
    const responses: [string, Response][] = [
      ['200', await post(p.app, CHECK, VALID, token)],
      ['400', await post(p.app, CHECK, '{', token)],
      ['401', await post(p.app, CHECK, VALID, undefined)],
      ['403', await post(p.app, CHECK, VALID, await p.token({ scopes: ['sim-swap:retrieve-date'] }))],
      ['404', await p.app.request('/nope')],
      ['405', await p.app.request(CHECK, { headers: { authorization: `Bearer ${token}` } })],
      ['413', await post(p.app, CHECK, { ...VALID, pad: 'x'.repeat(300) }, token)],
      ['415', await post(p.app, CHECK, VALID, token, { 'content-type': 'text/plain' })],
      ['422', await post(p.app, CHECK, {}, token)],
      ['health', await p.app.request('/health')],
    ];
    for (const [label, res] of responses) {
      expect({ label, headers: headersOf(res) }).toEqual({ label, headers: EXPECTED });
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain-HTTP issuer: no HSTS
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('server')).toBeNull();
    }
  });

  it('HSTS is sent when the public URL is https', async () => {
    const p = await testPlatform({ env: { PUBLIC_URL: 'https://gateway.test' } });
    const res = await post(p.app, CHECK, VALID, await p.token());
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
  });
});
