import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';

/** Starts `src/node.ts` on a free port; resolves with the port once it listens. */
function startServer(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const line = out.split('\n').find((l) => l.includes('"camara-gateway listening"'));
      if (line === undefined) return;
      child.stdout?.off('data', onData);
      const address = (JSON.parse(line) as { address: string }).address;
      resolve({ child, port: Number(address.split(':').at(-1)), output: () => out });
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function token(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa('demo-app:demo-secret-not-for-production')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=dpv%3AFraudPreventionAndDetection%20sim-swap%3Acheck',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill('SIGKILL');
  running = undefined;
});

describe('graceful shutdown (Node entry)', () => {
  it('prints the demo credentials at start', async () => {
    const server = await startServer();
    running = server.child;
    expect(server.output()).toContain('client_id:     demo-app');
    expect(server.output()).toContain('client_secret: demo-secret-not-for-production');
  });

  it('on SIGTERM finishes the in-flight request, refuses new connections and exits 0', async () => {
    const server = await startServer();
    running = server.child;
    const access = await token(server.port);

    // An in-flight request: headers and half the body sent before the signal, the rest after.
    const body = JSON.stringify({ phoneNumber: '+34600000001' });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/sim-swap/v2/check',
          headers: {
            authorization: `Bearer ${access}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 200);
      }, 100);
    });
    const exit = exited(server.child);

    expect(await response).toEqual({ status: 200, body: '{"swapped":true}' });
    expect(await exit).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    await expect(fetch(`http://127.0.0.1:${server.port}/health`)).rejects.toThrow();
  });

  it('refuses to start with a clear list of every bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
      env: { ...process.env, PORT: 'eighty', REDIS_URL: 'http://nope', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    expect(await exited(child)).toBe(78);
    expect(err).toContain('PORT');
    expect(err).toContain('REDIS_URL');
  });
});
