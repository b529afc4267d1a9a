import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type PlatformProcess } from './support/process.js';

/**
 * Outside-review finding: what Node's HTTP parser refuses (request smuggling shapes, obs-fold,
 * bare LF, an unknown method) never reaches the app, and the Node entry answered it with Node's
 * bare `400 Bad Request`: no CAMARA body, no x-correlator, no security headers. Replayed over
 * raw sockets against the Node entry (src/node.ts).
 */

let running: PlatformProcess;
beforeAll(async () => {
  running = await startProcess({});
}, 30_000);
afterAll(async () => {
  await running.stop();
});

/** Writes `request` as is and resolves with everything received until the server closes. */
function exchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(running.port, '127.0.0.1', () => socket.write(request));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The status line, the headers (lower-case names) and the body of one raw answer. */
function parse(raw: string): { statusLine: string; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { statusLine, headers, body: raw.slice(end + 4) };
}

const CHECK = 'POST /sim-swap/v2/check HTTP/1.1\r\nHost: gateway\r\nx-correlator: smuggle-1\r\n';
const MALFORMED = {
  'Content-Length beside Transfer-Encoding': `${CHECK}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  'two different Content-Length': `${CHECK}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
  'an obs-fold header line': `${CHECK}X-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\n{}`,
  'bare LF line ends': 'POST /sim-swap/v2/check HTTP/1.1\nHost: gateway\nContent-Length: 2\n\n{}',
  'an unknown method': 'FOO /sim-swap/v2/check HTTP/1.1\r\nHost: gateway\r\n\r\n',
  'a space in the header name': `${CHECK}Content Length: 2\r\n\r\n{}`,
};

describe('requests the HTTP parser refuses (Node entry)', () => {
  for (const [shape, request] of Object.entries(MALFORMED)) {
    it(`${shape}: 400 INVALID_ARGUMENT as a CAMARA error, then the connection closes`, async () => {
      const { statusLine, headers, body } = parse(await exchange(request));
      expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
      expect(headers).toMatchObject({
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'close',
        'content-length': String(Buffer.byteLength(body)),
      });
      expect(headers['x-correlator']).toMatch(UUID);
      expect(JSON.parse(body)).toEqual({
        status: 400,
        code: 'INVALID_ARGUMENT',
        message: 'Malformed HTTP request.',
      });
    });
  }

  it('headers past maxHeaderSize keep the bare 431 of Node (no CAMARA code for it)', async () => {
    const big = await exchange(
      `GET /health HTTP/1.1\r\nHost: gateway\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(big).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  });
});
