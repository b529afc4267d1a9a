import { execFile } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../../test/support/redis-server.js';

const run = promisify(execFile);

/**
 * The Redis side of the fault and soak runs, with AOF persistence (everysec) as
 * docs/operations.md asks of production: a restarted server still holds the application
 * registry, so recovery is the platform's, not a reseeding's.
 */
export async function startRedis(dir: string): Promise<OwnRedis> {
  await mkdir(dir, { recursive: true });
  const redis = new OwnRedis(await freePort(), { persistence: { dir } });
  await redis.start();
  return redis;
}

/** Three masters, no replicas, each with its AOF and node file in `dir`. */
export async function startCluster(dir: string): Promise<OwnRedis[]> {
  await mkdir(dir, { recursive: true });
  const nodes: OwnRedis[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await clusterPort(nodes.map((n) => n.port));
    const nodeDir = `${dir}/node-${i}`;
    await mkdir(nodeDir, { recursive: true });
    const node = new OwnRedis(port, {
      persistence: { dir: nodeDir },
      extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
    });
    await node.start();
    nodes.push(node);
  }
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
  await run('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-replicas', '0', '--cluster-yes']);
  for (const node of nodes) await untilClusterOk(node.port);
  return nodes;
}

/** A node's cluster bus listens on port + 10000: both must be free. */
async function clusterPort(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    if (taken.includes(port)) continue;
    const free = await Promise.all([isFree(port), isFree(port + 10000)]);
    if (free.every(Boolean)) return port;
  }
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function untilClusterOk(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']).catch(() => ({
      stdout: '',
    }));
    if (stdout.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis node ${port} never reached cluster_state:ok`);
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
