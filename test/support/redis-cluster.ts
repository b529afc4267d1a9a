import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import type { ClusterSeed } from '../../src/store/redis-client.js';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis.js';
import { freePort } from '../../scripts/free-port.js';
import { aclArgs, type AclUser } from './redis-acl.js';
import { OwnRedis, type ServerTls } from './redis-server.js';

const run = promisify(execFile);

/**
 * The Redis Cluster of the test run (three masters). scripts/test.sh always starts one and exports
 * its seeds, so a missing variable is a broken setup: fail loudly rather than skip.
 */
export function testClusterNodes(): ClusterSeed[] {
  const nodes = process.env.TEST_REDIS_CLUSTER_NODES;
  if (nodes === undefined || nodes === '') {
    throw new Error(
      'TEST_REDIS_CLUSTER_NODES is not set. Run the tests with `npm test` or `bash scripts/test.sh <file>` ' +
        '(it starts a three-master Redis Cluster).',
    );
  }
  return nodes.split(',').map(seedOf);
}

function seedOf(node: string): ClusterSeed {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
}

/** A connected RedisStore on a cluster (the run's, unless `nodes` says otherwise). */
export async function testClusterStore(
  keyPrefix: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<RedisStore> {
  const store = new RedisStore({ clusterNodes: testClusterNodes(), keyPrefix, ...options });
  await store.connect();
  await store.ping();
  return store;
}

/** A raw cluster client without prefix: to ask the cluster itself (CLUSTER KEYSLOT, EVAL). */
export function rawCluster(nodes: readonly ClusterSeed[] = testClusterNodes()): Cluster {
  return new Cluster([...nodes], { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 } });
}

/** The slot Redis Cluster puts `key` in, as the cluster computes it. */
export async function slotOf(raw: Cluster, key: string): Promise<number> {
  return (await raw.cluster('KEYSLOT', key)) as number;
}

/**
 * A three-master cluster of the test's own, so that a test may kill a node without disturbing the
 * run's cluster that other files share. Nodes keep no data (no persistence).
 */
export class OwnRedisCluster {
  readonly nodes: OwnRedis[] = [];
  private readonly dir = `.tmp/cluster-${crypto.randomUUID().slice(0, 8)}`;

  constructor(
    /**
     * TLS only on every node, the cluster bus included, and ACL users (the `default` user off):
     * `admin` is the user this helper's own redis-cli calls authenticate as.
     */
    private readonly options: { tls?: ServerTls; users?: readonly AclUser[]; admin?: AclUser } = {},
  ) {}

  get seeds(): ClusterSeed[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const { tls, users = [], admin } = this.options;
    const security = [
      ...(tls === undefined ? [] : ['--tls-cluster', 'yes', '--tls-replication', 'yes']),
      ...(admin === undefined ? [] : aclArgs([admin, ...users])),
      ...(admin === undefined ? [] : ['--masteruser', admin.name, '--masterauth', admin.password]),
    ];
    for (let i = 0; i < 3; i++) {
      const node = new OwnRedis(await clusterPort(), {
        tls,
        extraArgs: [
          '--cluster-enabled',
          'yes',
          '--dir',
          this.dir,
          '--cluster-config-file',
          `nodes-${i}.conf`,
          ...security,
        ],
      });
      this.nodes.push(node);
      await node.start();
    }
    const seeds = this.seeds.map((s) => `${s.host}:${s.port}`);
    await this.cli('--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes');
    for (const node of this.nodes) await this.untilClusterOk(node.port);
  }

  /** redis-cli with this cluster's TLS and credentials. */
  private cli(...args: string[]): Promise<{ stdout: string }> {
    const { tls, admin } = this.options;
    return run('redis-cli', [
      ...(tls === undefined ? [] : ['--tls', '--cacert', tls.caFile]),
      ...(admin === undefined ? [] : ['--user', admin.name, '--pass', admin.password, '--no-auth-warning']),
      ...args,
    ]);
  }

  private async untilClusterOk(port: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { stdout } = await this.cli('-p', String(port), 'cluster', 'info');
      if (stdout.includes('cluster_state:ok')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis node ${port} never reached cluster_state:ok`);
  }

  /** The node serving `slot` (slots as CLUSTER SLOTS lists them). */
  async nodeOfSlot(slot: number): Promise<OwnRedis> {
    const { stdout } = await this.cli('-p', String(this.nodes[0]?.port), 'cluster', 'nodes');
    for (const line of stdout.trim().split('\n')) {
      const [, address = '', , , , , , , ...ranges] = line.split(' ');
      const port = Number(address.split('@')[0]?.split(':')[1]);
      for (const range of ranges) {
        const [from, to = from] = range.split('-').map(Number);
        if (from !== undefined && to !== undefined && slot >= from && slot <= to) {
          const node = this.nodes.find((n) => n.port === port);
          if (node) return node;
        }
      }
    }
    throw new Error(`no node serves slot ${slot}`);
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A free port whose cluster bus port (+10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 <= 65535 && (await isFree(port + 10000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Deletes every key under `prefix` on every master (SCAN per node; one key per DEL: slots differ). */
export async function dropClusterPrefix(raw: Cluster, prefix: string): Promise<void> {
  for (const node of raw.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      await Promise.all(keys.map((key) => node.del(key)));
      cursor = next;
    } while (cursor !== '0');
  }
}
