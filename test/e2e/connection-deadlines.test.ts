import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess, type PlatformProcess } from './support/process.js';

/**
 * Red-team finding F6: an anonymous upload of one byte every 10 s kept its connection until
 * Node's default 300 s request timeout, so 5,000 such clients held 5,000 connections. Replayed
 * over raw sockets against the Node entry (src/node.ts) with small deadlines: each slow client is
 * cut by the server (408, then closed) long before it would have finished on its own.
 */

const TOKEN_HEAD =
  'POST /oauth2/token HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
  'Content-Length: 100\r\n\r\n';
const REQUEST_TIMEOUT_408 = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

type Dribble = { received: string; chunksSent: number; closedByServer: boolean };

/**
 * Opens a connection, writes `first`, then one byte every 500 ms (none when `silent`). Resolves
 * when the connection closes: closed by the server, or by this client after 40 ticks (20 s: ten
 * times the deadline under test).
 */
function dribble(port: number, first: string, silent = false): Promise<Dribble> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let chunksSent = 0;
    let done = false;
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined); // a reset is a close too
    if (first !== '') socket.write(first);
    let ticks = 0;
    const timer = setInterval(() => {
      if (ticks++ === 40) {
        done = true;
        socket.destroy();
      } else if (!silent) {
        socket.write('a');
        chunksSent++;
      }
    }, 500);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, chunksSent, closedByServer: !done });
    });
  });
}

/** A raw keep-alive connection that has been answered once: it is accepted and counted. */
async function openConnection(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => resolve());
    socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
  });
  return socket;
}

let running: PlatformProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('connection deadlines and cap (Node entry)', () => {
  it('cuts a body dribbled one byte per 500 ms at the request deadline (408), and headers that never end at the headers deadline', async () => {
    running = await startProcess({ HEADERS_TIMEOUT_SECONDS: '1', REQUEST_TIMEOUT_SECONDS: '2' });
    const port = running.port;
    const [slowBody, slowHeaders, silent] = await Promise.all([
      dribble(port, TOKEN_HEAD),
      dribble(port, 'POST /oauth2/token HTTP/1.1\r\nHost: gateway\r\nX-Slow: '),
      dribble(port, '', true), // connects and sends nothing
    ]);

    expect(slowBody).toMatchObject({ received: REQUEST_TIMEOUT_408, closedByServer: true });
    expect(slowBody.chunksSent).toBeLessThan(40);
    expect(slowHeaders).toMatchObject({ received: REQUEST_TIMEOUT_408, closedByServer: true });
    expect(slowHeaders.chunksSent).toBeLessThan(40);
    // The headers deadline runs from the connection's start: saying nothing does not hold it either.
    expect(silent).toMatchObject({ received: REQUEST_TIMEOUT_408, closedByServer: true });
  }, 30_000);

  it('refuses connections beyond MAX_CONNECTIONS and keeps serving those it holds', async () => {
    running = await startProcess({ MAX_CONNECTIONS: '2' });
    const port = running.port;
    const held = [await openConnection(port), await openConnection(port)];

    const third = await dribble(port, 'GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    expect(third).toEqual({ received: '', chunksSent: 0, closedByServer: true });

    for (const socket of held) {
      const answer = new Promise<string>((resolve) =>
        socket.once('data', (d: Buffer) => resolve(d.toString())),
      );
      socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
      expect(await answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      socket.destroy();
    }
  }, 30_000);
});
