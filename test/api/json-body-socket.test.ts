import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { post, testPlatform, type TestPlatform } from '../support/app.js';

/**
 * Over a real socket, @hono/node-server hands the JSON body middleware the Node request, which it
 * reads directly; app.request() goes through the Request body stream. Both must answer alike.
 */
type Reply = { status: number; body: string; contentType: string | undefined };

let server: ServerType | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(p: TestPlatform): Promise<number> {
  return new Promise((resolve) => {
    server = serve({ fetch: p.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(info.port),
    );
  });
}

/** A POST written in `chunks`, chunked transfer encoding unless `contentLength` is given. */
function send(
  port: number,
  token: string,
  chunks: readonly (string | Buffer)[],
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/sim-swap/v2/check',
        headers: { authorization: `Bearer ${token}`, 'x-correlator': 'socket-1', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }),
        );
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

async function viaRequest(p: TestPlatform, token: string, body: string | Buffer, headers = {}) {
  const res = await post(p.app, '/sim-swap/v2/check', body.toString(), token, headers);
  return { status: res.status, body: await res.text() };
}

describe('JSON body read from the Node request', () => {
  it('answers a valid body sent in several chunks', async () => {
    const p = await testPlatform();
    const token = await p.token();
    const reply = await send(await listen(p), token, ['{"phoneNumber":', '"+34600000001",', '"maxAge":240}']);
    expect(reply).toEqual({ status: 200, body: '{"swapped":true}', contentType: 'application/json' });
    expect(await viaRequest(p, token, '{"phoneNumber":"+34600000001","maxAge":240}')).toEqual({
      status: 200,
      body: reply.body,
    });
  });

  it.each([
    ['malformed JSON', ['{"phoneNumber":'], 'Malformed JSON in request body.'],
    ['a JSON array', ['[1,2]'], 'The request body must be a JSON object.'],
    ['invalid UTF-8', [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])], 'Malformed JSON in request body.'],
    ['an empty body', [], 'A JSON request body is required.'],
  ])('400 INVALID_ARGUMENT for %s, as through the Request stream', async (_name, chunks, message) => {
    const p = await testPlatform();
    const token = await p.token();
    const reply = await send(await listen(p), token, chunks);
    const expected = { status: 400, code: 'INVALID_ARGUMENT', message };
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual(expected);
    const same = await viaRequest(p, token, Buffer.concat(chunks.map((c) => Buffer.from(c))));
    expect(same.status).toBe(400);
    expect(JSON.parse(same.body)).toEqual(expected);
  });

  it('413 CONTENT_TOO_LARGE for an undeclared body past the limit, and the answer is delivered', async () => {
    const p = await testPlatform({ env: { MAX_BODY_BYTES: '1024' } });
    const token = await p.token();
    const padding = 'x'.repeat(400);
    const chunks = ['{"phoneNumber":"+34600000001","pad":"', padding, padding, padding, '"}'];
    const reply = await send(await listen(p), token, chunks);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({
      status: 413,
      code: 'CONTENT_TOO_LARGE',
      message: 'The request body is larger than the server is willing to process.',
    });
  });

  it('415 for another media type, after reading the body', async () => {
    const p = await testPlatform();
    const token = await p.token();
    const reply = await send(await listen(p), token, ['{"phoneNumber":"+34600000001"}'], {
      'content-type': 'text/plain',
    });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
