import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { demoToken } from '../support/demo-client.js';
import { OwnRedis } from '../support/redis-server.js';
import { makeTestPki, type TestPki } from '../support/tls-certs.js';
import { simSwapCheck } from './support/platform-calls.js';
import { runToExit, startProcess } from './support/process.js';
import {
  aclArgs,
  adminClient,
  clientList,
  logLines,
  randomPassword,
  STACK_FRAME,
} from '../support/redis-acl.js';

/**
 * REDIS_URL=rediss://user:password@host:port against a real redis-server that speaks TLS only
 * (no plain port) and serves ACL users only, its certificate from a CA of the test's own that the
 * Node entry trusts through NODE_EXTRA_CA_CERTS (docs/operations.md "Redis over TLS").
 */

const GATEWAY = { name: 'gateway', password: randomPassword() };
const ADMIN = { name: 'ops', password: randomPassword() };

let pki: TestPki;
let redis: OwnRedis;
/** TLS with a certificate that names another host, and one signed by a CA nobody trusts. */
let otherHost: OwnRedis;
let untrusted: OwnRedis;

beforeAll(async () => {
  pki = await makeTestPki();
  const tls = (pair: { certFile: string; keyFile: string }) => ({ ...pair, caFile: pki.caFile });
  redis = new OwnRedis(await freePort(), { tls: tls(pki.server), extraArgs: aclArgs([GATEWAY, ADMIN]) });
  otherHost = new OwnRedis(await freePort(), { tls: tls(pki.otherHost), extraArgs: aclArgs([GATEWAY]) });
  untrusted = new OwnRedis(await freePort(), { tls: tls(pki.untrusted), extraArgs: aclArgs([GATEWAY]) });
  for (const server of [redis, otherHost, untrusted]) await server.start();
}, 30_000);
afterAll(async () => {
  for (const server of [redis, otherHost, untrusted]) await server?.kill();
  await pki?.remove();
});

const urlOf = (server: OwnRedis, user: { name: string; password: string } = GATEWAY, scheme = 'rediss') =>
  `${scheme}://${user.name}:${user.password}@127.0.0.1:${server.port}`;

const ready = async (base: string) => {
  const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
};

/** True once Redis has logged a failed AUTH of `user` (ACL LOG, reason auth). */
async function refusedAuth(admin: Redis, user: string): Promise<boolean> {
  const entries = (await admin.acl('LOG')) as unknown[][];
  return entries.some((entry) => entry.includes('auth') && entry.includes(user));
}

const UNAVAILABLE = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' };

describe('Redis over TLS with an ACL user (Node entry)', () => {
  it('rediss://user:password@…, the CA trusted through NODE_EXTRA_CA_CERTS: ready, a token and a SIM Swap check served', async () => {
    const p = await startProcess({ REDIS_URL: urlOf(redis), NODE_EXTRA_CA_CERTS: pki.caFile });
    try {
      expect(await ready(p.url)).toEqual({ status: 200, retryAfter: null, body: { status: 'ready' } });
      const token = await demoToken(p.url);
      const res = await simSwapCheck(p.url, token, '+34600000001');
      expect([res.status, await res.json()]).toEqual([200, { swapped: expect.any(Boolean) }]);
      // The platform's connections are the gateway user's, over the TLS port (there is no other).
      expect(await clientList(redis.port, ADMIN, pki.caFile)).toMatch(/ user=gateway /);
      expect(logLines(p.output())).toContainEqual(
        expect.objectContaining({ msg: 'camara-gateway listening', store: 'redis' }),
      );
      expect(p.output()).not.toContain(GATEWAY.password);
    } finally {
      await p.stop();
    }
  });

  it.each([
    [
      'a wrong password',
      () => urlOf(redis, { ...GATEWAY, password: 'wrong' }),
      'WRONGPASS invalid username-password pair or user is disabled.',
    ],
    [
      'an unknown ACL user',
      () => urlOf(redis, { ...GATEWAY, name: 'nobody' }),
      'WRONGPASS invalid username-password pair or user is disabled.',
    ],
    // The server reads the plain AUTH as a broken TLS record and drops the connection.
    [
      'redis:// against the TLS port',
      () => urlOf(redis, GATEWAY, 'redis'),
      expect.stringMatching(/^(read|write) ECONNRESET$/),
    ],
    [
      'a certificate that names another host',
      () => urlOf(otherHost),
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list:  [ERR_TLS_CERT_ALTNAME_INVALID]",
    ],
    [
      'a certificate signed by a CA nobody trusts',
      () => urlOf(untrusted),
      'unable to verify the first certificate [UNABLE_TO_VERIFY_LEAF_SIGNATURE]',
    ],
  ])('%s: one log line with the reason, exit 1, no stack trace, no password', async (_case, url, reason) => {
    const { code, output } = await runToExit({ REDIS_URL: url(), NODE_EXTRA_CA_CERTS: pki.caFile });
    expect(code).toBe(1);
    expect(logLines(output).filter((l) => l.level === 'error')).toEqual([
      { level: 'error', msg: 'cannot reach Redis at start', store: 'redis', reason },
    ]);
    expect(output).not.toMatch(STACK_FRAME);
    expect(output).not.toContain(GATEWAY.password);
  });

  it('a private CA that the process was not told to trust: refused the same way', async () => {
    const { code, output } = await runToExit({ REDIS_URL: urlOf(redis) });
    expect(code).toBe(1);
    expect(logLines(output).filter((l) => l.level === 'error')).toEqual([
      {
        level: 'error',
        msg: 'cannot reach Redis at start',
        store: 'redis',
        reason: 'self-signed certificate in certificate chain [SELF_SIGNED_CERT_IN_CHAIN]',
      },
    ]);
    expect(output).not.toMatch(STACK_FRAME);
  });

  it('the password changed while running: served until the connection is renewed, then 503 and the reason logged; back once the password is restored', async () => {
    const p = await startProcess({ REDIS_URL: urlOf(redis), NODE_EXTRA_CA_CERTS: pki.caFile });
    const admin = adminClient(redis.port, ADMIN, pki.caFile);
    await admin.connect();
    try {
      expect((await ready(p.url)).status).toBe(200);
      await admin.acl('SETUSER', GATEWAY.name, 'resetpass', '>rotated-elsewhere');
      // An authenticated connection stays so: Redis checks a password when a connection authenticates.
      expect((await ready(p.url)).status).toBe(200);
      await admin.acl('LOG', 'RESET');
      await admin.client('KILL', 'USER', GATEWAY.name);
      // The platform reconnects with its old password: wait (bounded) until Redis has refused it.
      for (let i = 0; i < 100 && !(await refusedAuth(admin, GATEWAY.name)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const answer = await ready(p.url);
      expect(answer).toEqual({ status: 503, retryAfter: '1', body: UNAVAILABLE });
      expect(logLines(p.output()).filter((l) => l.msg === 'store unavailable')).toEqual([
        {
          level: 'error',
          msg: 'store unavailable',
          correlator: expect.any(String),
          method: 'GET',
          path: '/ready',
          error: 'store unavailable: WRONGPASS invalid username-password pair or user is disabled.',
        },
      ]);

      await admin.acl('SETUSER', GATEWAY.name, 'resetpass', `>${GATEWAY.password}`);
      let back = answer;
      for (let i = 0; i < 100 && back.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        back = await ready(p.url);
      }
      expect(back).toEqual({ status: 200, retryAfter: null, body: { status: 'ready' } });
      expect(logLines(p.output())).toContainEqual(expect.objectContaining({ msg: 'store available again' }));
      expect(p.output()).not.toMatch(STACK_FRAME);
      expect(p.output()).not.toContain(GATEWAY.password);
    } finally {
      admin.disconnect();
      await p.stop();
    }
  });
});
