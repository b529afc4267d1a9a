import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { aclArgs, randomPassword, STACK_FRAME } from '../support/redis-acl.js';
import { OwnRedis } from '../support/redis-server.js';
import { makeTestPki, type TestPki } from '../support/tls-certs.js';
import { startWorker, type WorkerProcess } from '../support/worker-process.js';

/**
 * The Worker with REDIS_URL=rediss://… in a local workerd: ioredis's TLS goes through workerd's
 * sockets, which check the certificate against workerd's own trust store. A private CA cannot be
 * added to it (NODE_EXTRA_CA_CERTS is Node's), so a successful handshake cannot be shown locally
 * (README "Deploying to Cloudflare Workers"); what is shown is that a certificate workerd does not
 * trust is refused, and how the Worker answers then.
 */

const GATEWAY = { name: 'gateway', password: randomPassword() };

let pki: TestPki;
let redis: OwnRedis;
let worker: WorkerProcess;

beforeAll(async () => {
  pki = await makeTestPki();
  redis = new OwnRedis(await freePort(), {
    tls: { ...pki.server, caFile: pki.caFile },
    extraArgs: aclArgs([GATEWAY]),
  });
  await redis.start();
  worker = await startWorker((url) => ({
    NODE_ENV: 'test',
    PUBLIC_URL: url,
    REDIS_URL: `rediss://${GATEWAY.name}:${GATEWAY.password}@127.0.0.1:${redis.port}`,
  }));
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await redis?.kill();
  await pki?.remove();
});

describe('Worker, REDIS_URL=rediss:// with a certificate workerd does not trust', () => {
  it('answers 503 UNAVAILABLE with Retry-After, logs the refusal, and never the password', async () => {
    const res = await fetch(`${worker.url}/ready`, { headers: { 'x-correlator': 'tls-check-1' } });
    expect([
      res.status,
      res.headers.get('retry-after'),
      res.headers.get('x-correlator'),
      res.headers.get('x-content-type-options'),
      await res.json(),
    ]).toEqual([
      503,
      '1',
      'tls-check-1',
      'nosniff',
      { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' },
    ]);
    const output = await worker.outputWith('"msg":"cannot reach Redis"');
    // workerd's own line names the certificate; the Worker's the refused connection.
    expect(output).toContain("TLS peer's certificate is not trusted");
    expect(output).not.toContain(GATEWAY.password);
    expect(output).not.toMatch(STACK_FRAME);
    const lines = output.split('\n').filter((l) => l.startsWith('{') && l.includes('cannot reach Redis'));
    expect(lines.map((l) => ({ ...(JSON.parse(l) as object), time: undefined }))).toEqual([
      {
        time: undefined,
        level: 'error',
        msg: 'cannot reach Redis',
        reason: 'proxy request failed, cannot connect to the specified address',
      },
    ]);
  });
});
