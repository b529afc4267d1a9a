import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, PURPOSE } from '../e2e/support/oauth.js';
import { fetchToken, startServer, type E2EServer } from '../e2e/support/server.js';

/**
 * Findings of an outside review of a running platform, replayed over a real socket against the
 * platform on @hono/node-server (test/e2e/support/server.ts).
 */

let server: E2EServer;
beforeAll(async () => {
  server = await startServer({ engine: 'memory' });
});
afterAll(async () => {
  await server.close();
});

type Answer = { status: number; allow: string | null; correlator: string | null; body: unknown };

async function call(method: string, path: string): Promise<Answer> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'x-correlator': 'review-1' } });
  const text = await res.text();
  return {
    status: res.status,
    allow: res.headers.get('allow'),
    correlator: res.headers.get('x-correlator'),
    body: text === '' ? '' : (JSON.parse(text) as unknown),
  };
}

const OAUTH_405 = {
  error: 'invalid_request',
  error_description: 'The requested method is not allowed/supported on the target resource.',
};

describe('authorization server endpoints and the method (RFC 9110 §15.5.6)', () => {
  // Finding: GET /oauth2/token answered 404 "not found", as if the endpoint did not exist, where
  // every API route answers another method with 405 and `Allow`.
  it('another method on a POST endpoint is 405 with Allow: POST, in the OAuth error form', async () => {
    for (const path of ['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke', '/oauth2/bc-authorize']) {
      for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
        expect({ path, method, ...(await call(method, path)) }).toEqual({
          path,
          method,
          status: 405,
          allow: 'POST',
          correlator: 'review-1',
          body: OAUTH_405,
        });
      }
    }
  });

  it('GET endpoints name theirs; HEAD is still served where GET is', async () => {
    expect(await call('PUT', '/oauth2/authorize')).toEqual({
      status: 405,
      allow: 'GET, POST',
      correlator: 'review-1',
      body: OAUTH_405,
    });
    expect(await call('POST', '/oauth2/jwks')).toMatchObject({ status: 405, allow: 'GET', body: OAUTH_405 });
    expect(await call('DELETE', '/.well-known/openid-configuration')).toMatchObject({
      status: 405,
      allow: 'GET',
      body: {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: 'The requested method is not allowed/supported on the target resource.',
      },
    });
    expect(await call('HEAD', '/oauth2/jwks')).toMatchObject({ status: 200, body: '' });
  });

  it('an unknown /oauth2 path stays 404', async () => {
    expect(await call('GET', '/oauth2/userinfo')).toEqual({
      status: 404,
      allow: null,
      correlator: 'review-1',
      body: { error: 'invalid_request', error_description: 'The specified resource is not found.' },
    });
  });
});

describe('request bodies in a content coding (RFC 9110 §8.4.1)', () => {
  // Finding: Content-Encoding was ignored. A gzip body was parsed as if plain (400 "Malformed
  // JSON"), and a plain body declared gzip was served (200): what the platform read was not what
  // a gateway or WAF that decodes the coding inspects.
  const CHECK = JSON.stringify({ phoneNumber: '+34600000001' });
  const UNSUPPORTED = {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Content-Encoding is not supported.',
  };

  async function check(token: string, encoding: string, body: string | Blob) {
    const res = await fetch(`${server.url}/sim-swap/v2/check`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-encoding': encoding,
        'x-correlator': 'coding-1',
      },
      body,
    });
    return {
      status: res.status,
      acceptEncoding: res.headers.get('accept-encoding'),
      correlator: res.headers.get('x-correlator'),
      body: (await res.json()) as unknown,
    };
  }

  it('a resource API answers 415 UNSUPPORTED_MEDIA_TYPE with Accept-Encoding: identity', async () => {
    const token = await fetchToken(server, `${PURPOSE} sim-swap:check`);
    const refused = { status: 415, acceptEncoding: 'identity', correlator: 'coding-1', body: UNSUPPORTED };
    expect(await check(token, 'gzip', new Blob([gzipSync(CHECK)]))).toEqual(refused);
    expect(await check(token, 'gzip', CHECK)).toEqual(refused);
    expect(await check(token, 'identity, br', CHECK)).toEqual(refused);
    // `identity` is no coding at all: served.
    expect(await check(token, 'Identity', CHECK)).toEqual({
      status: 200,
      acceptEncoding: null,
      correlator: 'coding-1',
      body: { swapped: true },
    });
  });

  it('the token endpoint answers 400 invalid_request, and serves the same form without the coding', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: `${PURPOSE} sim-swap:check`,
    });
    const token = (encoding?: string) =>
      fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth(server.client.clientId, server.client.secret),
          ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
        },
        body: form.toString(),
      });
    const refused = await token('gzip');
    expect({
      status: refused.status,
      acceptEncoding: refused.headers.get('accept-encoding'),
      body: (await refused.json()) as unknown,
    }).toEqual({
      status: 400,
      acceptEncoding: 'identity',
      body: { error: 'invalid_request', error_description: 'content coding not supported' },
    });
    expect((await token()).status).toBe(200);
  });
});

describe('request bodies in a transfer coding other than chunked (RFC 9112 §6.1)', () => {
  // Finding: Node de-chunks `Transfer-Encoding: gzip, chunked` and hands the body on still gzip
  // coded: the platform read it as plain, a proxy that decodes it reads another.
  function exchange(request: string): Promise<string> {
    const port = Number(new URL(server.url).port);
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let received = '';
      socket.on('data', (d: Buffer) => (received += d.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
  }
  const chunked = (body: string) => `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;

  it('a resource API answers 415 UNSUPPORTED_MEDIA_TYPE; plain chunked is served', async () => {
    const token = await fetchToken(server, `${PURPOSE} sim-swap:check`);
    const head = (coding: string) =>
      `POST /sim-swap/v2/check HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nx-correlator: te-1\r\nTransfer-Encoding: ${coding}\r\n` +
      'Connection: close\r\n\r\n';
    const refused = await exchange(head('gzip, chunked') + chunked('{"phoneNumber":"+34600000001"}'));
    expect(refused).toMatch(/^HTTP\/1\.1 415 Unsupported Media Type\r\n/);
    expect(refused).toMatch(/\r\nx-correlator: te-1\r\n/);
    expect(bodyOf(refused)).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Transfer-Encoding other than chunked is not supported.',
    });
    const served = await exchange(head('chunked') + chunked('{"phoneNumber":"+34600000001"}'));
    expect(served).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(bodyOf(served)).toEqual({ swapped: true });
  });

  it('the token endpoint answers 400 invalid_request', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: `${PURPOSE} sim-swap:check`,
    });
    const refused = await exchange(
      `POST /oauth2/token HTTP/1.1\r\nHost: gateway\r\n` +
        `Authorization: ${basicAuth(server.client.clientId, server.client.secret)}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: gzip, chunked\r\n' +
        `Connection: close\r\n\r\n${chunked(form.toString())}`,
    );
    expect(refused).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(bodyOf(refused)).toEqual({
      error: 'invalid_request',
      error_description: 'transfer coding not supported',
    });
  });
});

describe('a JSON body naming a member twice (RFC 8259 §4)', () => {
  // Finding: `{"phoneNumber": A, "phoneNumber": B}` was served for B (JSON.parse keeps the last),
  // where a gateway or WAF that keeps the first checks A.
  it('is 400 INVALID_ARGUMENT naming the member (escapes decoded); distinct members are served', async () => {
    const token = await fetchToken(server, `${PURPOSE} sim-swap:check`);
    const check = async (body: string) => {
      const res = await fetch(`${server.url}/sim-swap/v2/check`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-correlator': 'dup-1',
        },
        body,
      });
      return {
        status: res.status,
        correlator: res.headers.get('x-correlator'),
        body: (await res.json()) as unknown,
      };
    };
    const duplicate = (name: string) => ({
      status: 400,
      correlator: 'dup-1',
      body: { status: 400, code: 'INVALID_ARGUMENT', message: `Duplicate property: ${name}.` },
    });
    expect(await check('{"phoneNumber":"+34600000001","phoneNumber":"+34600000002"}')).toEqual(
      duplicate('phoneNumber'),
    );
    expect(await check('{"phoneNumber":"+34600000001","maxAge":24,"\\u006daxAge":240}')).toEqual(
      duplicate('maxAge'),
    );
    expect(await check('{"phoneNumber":"+34600000001","maxAge":24}')).toEqual({
      status: 200,
      correlator: 'dup-1',
      body: { swapped: true },
    });
  });
});
