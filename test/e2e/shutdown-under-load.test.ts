import { Agent, request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess, type PlatformProcess } from './support/process.js';

/**
 * Red-team finding F5: after SIGTERM under load, requests already sent were reset (31 of 40
 * ECONNRESET), busy keep-alive connections went on being served with `Connection: keep-alive`,
 * and the process exited 1 once the whole grace had run out. Replayed against the Node entry
 * (src/node.ts) in its own process, over kept-alive connections.
 */

const CONCURRENT = 40;
// A token request: a POST whose body can be held back, and that the per-client budget allows 40 of.
const BODY = 'grant_type=client_credentials&scope=dpv%3AFraudPreventionAndDetection%20sim-swap%3Acheck';
const DEMO_BASIC = `Basic ${btoa('demo-app:demo-secret-not-for-production')}`;

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };

let running: PlatformProcess | undefined;
afterEach(async () => {
  running?.kill('SIGKILL');
  await running?.exited;
  running = undefined;
});

/** Sends a request on `agent`: its headers and the first `sent` bytes of its body; resolves once written. */
function send(
  agent: Agent,
  port: number,
  method: 'GET' | 'POST',
  sent = BODY.length,
): Promise<{ req: ClientRequest; answer: Promise<Answer> }> {
  let req: ClientRequest | undefined;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path: method === 'GET' ? '/health' : '/oauth2/token',
        headers:
          method === 'GET'
            ? {}
            : {
                authorization: DEMO_BASIC,
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': Buffer.byteLength(BODY),
              },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
  answer.catch(() => undefined); // inspected later, with allSettled
  const sending = req as ClientRequest;
  return new Promise((ready) => {
    const written = () => ready({ req: sending, answer });
    if (method === 'GET') sending.end(written);
    else if (sent >= BODY.length) sending.end(BODY, written);
    else sending.write(BODY.slice(0, sent), written);
  });
}

/** Waits for a line of the process's log (an event, polled; the test's own timeout bounds it). */
async function logged(p: PlatformProcess, text: string): Promise<void> {
  while (!p.output().includes(text)) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Opens new TCP connections until one is refused (its error code). One accepted in the instant
 * before the listener closes is closed again; one still in the listen queue when it closes is
 * reset by the kernel (ECONNRESET), never served: both try again. Bounded by the test's timeout.
 */
async function refusedConnection(port: number): Promise<string> {
  for (;;) {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('accepted');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
    });
    if (outcome !== 'accepted' && outcome !== 'ECONNRESET') return outcome;
  }
}

describe('graceful shutdown under load (Node entry)', () => {
  it('SIGTERM with 40 requests in flight on kept-alive connections: new connections refused, every one in flight answered, with Connection: close, exit 0', async () => {
    // A grace shorter than the keep-alive timeout (5 s): a kept-alive connection left open after
    // its response would hold the process until the grace runs out (exit 1).
    running = await startProcess({ SHUTDOWN_GRACE_MS: '4000' });
    const p = running;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });

    // Open the connections and keep them alive, as a client under load has them.
    const warm = await Promise.all(
      Array.from({ length: CONCURRENT }, () => send(agent, p.port, 'GET').then((s) => s.answer)),
    );
    expect(warm.map((a) => [a.status, a.headers.connection])).toEqual(
      Array(CONCURRENT).fill([200, 'keep-alive']),
    );

    // All sent before the signal: half with the headers and part of the body, half complete (those
    // last, so that the signal finds some unread in their sockets).
    const partial = await Promise.all(
      Array.from({ length: CONCURRENT / 2 }, () => send(agent, p.port, 'POST', 10)),
    );
    const complete = await Promise.all(
      Array.from({ length: CONCURRENT / 2 }, () => send(agent, p.port, 'POST')),
    );
    let exited = false;
    void p.exited.then(() => (exited = true));
    p.kill('SIGTERM');
    await logged(p, '"msg":"shutting down"');
    // While 20 requests still wait for the rest of their body, the process stops listening: a new
    // connection is refused, and the process stays up for the requests it has.
    expect(await refusedConnection(p.port)).toBe('ECONNREFUSED');
    expect(exited).toBe(false);
    for (const { req } of partial) req.end(BODY.slice(10));

    const settled = await Promise.allSettled([...complete, ...partial].map((s) => s.answer));
    expect(settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason))).toEqual([]);
    const answers = settled.map((s) => (s as PromiseFulfilledResult<Answer>).value);
    expect(
      answers.map((a) => [a.status, (JSON.parse(a.body) as { token_type?: string }).token_type]),
    ).toEqual(Array(CONCURRENT).fill([200, 'Bearer']));
    // Those answered after the signal close their connection instead of keeping it alive.
    expect(answers.slice(CONCURRENT / 2).map((a) => a.headers.connection)).toEqual(
      Array(CONCURRENT / 2).fill('close'),
    );

    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"stopped"');
    expect(p.output()).not.toContain('grace ran out');
    agent.destroy();
  });

  it('SIGTERM amid 40 clients looping on kept-alive connections: no request reset in flight, exit 0', async () => {
    running = await startProcess({ SHUTDOWN_GRACE_MS: '4000' });
    const p = running;
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
    let exited = false;
    void p.exited.then(() => (exited = true));
    let answered = 0;

    /**
     * One client: requests back to back, as a load generator does. Ends at the first
     * `Connection: close` answer, or at an error: on a kept-alive connection (a request reset in
     * flight, the finding) or on a new one (refused once the server has stopped listening).
     */
    const client = async (): Promise<string> => {
      for (let i = 0; i < 100_000 && !exited; i++) {
        const outcome = await new Promise<string>((resolve) => {
          const req = request({ agent, host: '127.0.0.1', port: p.port, path: '/health' }, (res) => {
            res.resume();
            res.on('end', () => {
              answered++;
              resolve(res.headers.connection === 'close' ? 'told to close' : 'again');
            });
          });
          req.on('error', (e: NodeJS.ErrnoException) =>
            resolve(req.reusedSocket ? `reset on a kept-alive connection (${e.code})` : 'refused'),
          );
          req.end();
        });
        if (outcome !== 'again') return outcome;
      }
      return 'never told to close';
    };
    const clients = Array.from({ length: CONCURRENT }, client);
    // Every client has had answers and goes on over its kept-alive connection.
    while (answered < 4 * CONCURRENT) await new Promise((r) => setTimeout(r, 20));
    p.kill('SIGTERM');

    const outcomes = await Promise.all(clients);
    expect(outcomes.filter((o) => o !== 'told to close' && o !== 'refused')).toEqual([]);
    // A connection still idle at the end of the linger is closed: its client's next request then
    // finds no listener and is refused, never sent (more of them on a busy machine).
    expect(outcomes).toContain('told to close');
    expect(await p.exited).toBe(0);
    agent.destroy();
  });

  it('past the grace: exits 1 and logs how many requests were cut', async () => {
    running = await startProcess({ SHUTDOWN_GRACE_MS: '300' });
    const p = running;
    const agent = new Agent({ keepAlive: true });
    await send(agent, p.port, 'POST', 10); // a request whose body never completes
    p.kill('SIGTERM');

    expect(await p.exited).toBe(1);
    const line = p
      .output()
      .split('\n')
      .find((l) => l.includes('grace ran out'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'error',
      msg: 'shutdown grace ran out: in-flight requests cut',
      graceMs: 300,
      requestsCut: 1,
    });
    agent.destroy();
  });
});
