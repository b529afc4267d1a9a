import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type E2EServer } from '../e2e/support/server.js';

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
