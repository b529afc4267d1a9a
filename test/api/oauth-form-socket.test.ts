import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { nodeRuntime } from '../../src/runtime/node.js';
import { DEMO, PURPOSE, testPlatform } from '../support/app.js';

/**
 * Over a real socket with the Node runtime, the `/oauth2/*` form body is read from the Node
 * request (no WHATWG Request is built): chunked or sized, small or past the 16 KiB bound, the
 * answers are those of app.request() (test/api/auth-endpoint-limits.test.ts).
 */
type Reply = { status: number; body: string };

let server: ServerType | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(): Promise<number> {
  const p = await testPlatform();
  const app = createApp(p.deps, { runtime: nodeRuntime });
  return new Promise((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve(info.port),
    );
  });
}

const BASIC = `Basic ${Buffer.from(`${DEMO.clientId}:${DEMO.secret}`).toString('base64')}`;

/** A token request written in `chunks`: chunked transfer encoding unless a content-length is given. */
function send(port: number, chunks: readonly string[], headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth2/token',
        headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const TOO_LARGE = { error: 'invalid_request', error_description: 'request too large' };

describe('OAuth form body read from the Node request', () => {
  it('issues a token for a form sent in several chunks', async () => {
    const port = await listen();
    const reply = await send(port, [
      'grant_type=client_credentials',
      `&scope=${encodeURIComponent(PURPOSE)}`,
      '+sim-swap%3Acheck',
    ]);
    expect(reply.status).toBe(200);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: `${PURPOSE} sim-swap:check` });
    expect(typeof body.access_token).toBe('string');
  });

  it('issues a token for a form sent with its length', async () => {
    const form = `grant_type=client_credentials&scope=${encodeURIComponent(`${PURPOSE} sim-swap:check`)}`;
    const reply = await send(await listen(), [form], { 'content-length': String(form.length) });
    expect(reply.status).toBe(200);
  });

  it('400 request too large for a chunked body past 16 KiB, counted while read', async () => {
    const big = `grant_type=client_credentials&scope=${'a'.repeat(20_000)}`;
    const chunks: string[] = [];
    for (let i = 0; i < big.length; i += 4096) chunks.push(big.slice(i, i + 4096));
    const reply = await send(await listen(), chunks);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual(TOO_LARGE);
  });

  it('400 request too large for a declared length past 16 KiB', async () => {
    const big = `grant_type=client_credentials&scope=${'a'.repeat(20_000)}`;
    const reply = await send(await listen(), [big], { 'content-length': String(big.length) });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual(TOO_LARGE);
  });
});
