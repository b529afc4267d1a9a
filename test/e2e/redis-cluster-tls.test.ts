import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoToken } from '../support/demo-client.js';
import { clientList, logLines, randomPassword, STACK_FRAME } from '../support/redis-acl.js';
import { OwnRedisCluster } from '../support/redis-cluster.js';
import { makeTestPki, type TestPki } from '../support/tls-certs.js';
import { simSwapCheck } from './support/platform-calls.js';
import { runToExit, startProcess } from './support/process.js';

/**
 * REDIS_CLUSTER_NODES with rediss://user:password@ seeds against a real three-master Redis Cluster
 * that speaks TLS only (the cluster bus too) and serves ACL users only: the credentials and TLS
 * hold for every node the client discovers, not only the seeds (docs/operations.md "Redis Cluster").
 */

const GATEWAY = { name: 'gateway', password: randomPassword() };
const ADMIN = { name: 'ops', password: randomPassword() };

let pki: TestPki;
let cluster: OwnRedisCluster;

beforeAll(async () => {
  pki = await makeTestPki();
  cluster = new OwnRedisCluster({
    tls: { ...pki.server, caFile: pki.caFile },
    users: [GATEWAY],
    admin: ADMIN,
  });
  await cluster.start();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await pki?.remove();
});

/** The seeds as an operator writes them: every node, the same scheme and user. */
const seeds = (user = GATEWAY, scheme = 'rediss') =>
  cluster.seeds.map((s) => `${scheme}://${user.name}:${user.password}@${s.host}:${s.port}`).join(',');

describe('Redis Cluster over TLS with an ACL user (Node entry)', () => {
  it('serves a token and a SIM Swap check, every master reached as the gateway user over TLS', async () => {
    const p = await startProcess({ REDIS_CLUSTER_NODES: seeds(), NODE_EXTRA_CA_CERTS: pki.caFile });
    try {
      const readyRes = await fetch(`${p.url}/ready`);
      expect([readyRes.status, await readyRes.json()]).toEqual([200, { status: 'ready' }]);
      const token = await demoToken(p.url);
      const res = await simSwapCheck(p.url, token, '+34600000001');
      expect([res.status, await res.json()]).toEqual([200, { swapped: expect.any(Boolean) }]);
      // Every master, not only the first seed: the client's connections to each are the gateway's.
      for (const node of cluster.nodes) {
        expect(await clientList(node.port, ADMIN, pki.caFile)).toMatch(/ user=gateway /);
      }
      expect(logLines(p.output())).toContainEqual(
        expect.objectContaining({ msg: 'camara-gateway listening', store: 'redis-cluster' }),
      );
      expect(p.output()).not.toContain(GATEWAY.password);
    } finally {
      await p.stop();
    }
  });

  it.each([
    [
      'a wrong password',
      () => seeds({ ...GATEWAY, password: 'wrong' }),
      true,
      'WRONGPASS invalid username-password pair or user is disabled.',
    ],
    [
      'a private CA the process was not told to trust',
      () => seeds(),
      false,
      'self-signed certificate in certificate chain [SELF_SIGNED_CERT_IN_CHAIN]',
    ],
    [
      'host:port seeds (no TLS, no AUTH)',
      () => cluster.seeds.map((s) => `${s.host}:${s.port}`).join(','),
      true,
      // The node reads a plain command as a broken TLS record and drops the connection.
      expect.stringMatching(/^(read|write) ECONNRESET$/),
    ],
  ])(
    '%s: one log line with the reason, exit 1, no stack trace, no password',
    async (_case, nodes, trustCa, reason) => {
      const { code, output } = await runToExit({
        REDIS_CLUSTER_NODES: nodes(),
        ...(trustCa ? { NODE_EXTRA_CA_CERTS: pki.caFile } : {}),
      });
      expect(code).toBe(1);
      expect(logLines(output).filter((l) => l.level === 'error')).toEqual([
        { level: 'error', msg: 'cannot reach Redis at start', store: 'redis-cluster', reason },
      ]);
      expect(output).not.toMatch(STACK_FRAME);
      expect(output).not.toContain(GATEWAY.password);
    },
  );
});
