import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { OwnRedis } from '../../test/support/redis-server.js';
import { startServer, type ServerProcess } from '../servers.js';
import { FAULT_CLIENTS, prepareStreams, type StreamSpec } from './clients.js';
import { removeDir, startCluster, startRedis, untilClusterOk } from './redis.js';
import { summarise, printTable, type FaultResult, type Timeline } from './fault-report.js';
import { runStreams, type Sample } from './stream.js';

const run = promisify(execFile);

/**
 * `npm run faults`: one platform instance under steady load (200 calls a second over three
 * streams) while Redis fails in turn: stopped for 5 s then restarted on the same port, frozen
 * (SIGSTOP) for 5 s, and one master of a three-master cluster killed (SIGKILL) then restarted.
 * Prints per fault the answers per status, any 500 or hang, the longest wait during the fault and
 * the recovery time; exits non-zero on a 500, a request left without an answer, or a call served
 * that a limit or a consent check must refuse (DESIGN §3: fail closed, never skip a check).
 */
const BEFORE_MS = 3000;
const FAULT_MS = 5000;
const AFTER_SECONDS = 7;

type Fault = { name: string; inject(): Promise<void>; heal(): Promise<void> };

async function main(): Promise<void> {
  const dir = `.tmp/faults-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const results: FaultResult[] = [];
  try {
    const redis = await startRedis(`${dir}/single`);
    await withInstance({ REDIS_URL: redis.url, FAULT_CLIENT_SECRET: secret }, async (base) => {
      const streams = await prepareStreams(base, secret);
      results.push(
        await underLoad(base, streams, {
          name: 'redis stopped 5 s, restarted',
          inject: () => redis.shutdown(),
          heal: () => redis.start(),
        }),
      );
      results.push(
        await underLoad(base, streams, {
          name: 'redis frozen 5 s (SIGSTOP)',
          inject: async () => redis.freeze(),
          heal: async () => redis.thaw(),
        }),
      );
    });
    await redis.shutdown();

    const nodes = await startCluster(`${dir}/cluster`);
    const seeds = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    try {
      await withInstance({ REDIS_CLUSTER_NODES: seeds, FAULT_CLIENT_SECRET: secret }, async (base) => {
        const streams = await prepareStreams(base, secret);
        // The master holding the served application's limiter: its calls cannot be answered.
        const victim = await masterOf(nodes, `{c:${FAULT_CLIENTS.served}}`);
        results.push(
          await underLoad(base, streams, {
            name: `cluster master :${victim.port} killed 5 s`,
            inject: () => victim.kill(),
            heal: async () => {
              await victim.start();
              for (const node of nodes) await untilClusterOk(node.port);
            },
          }),
        );
      });
    } finally {
      for (const node of nodes) await node.kill();
    }
  } finally {
    await removeDir(dir);
  }
  const failed = printTable(results);
  process.exitCode = failed ? 1 : 0;
}

/** One platform instance (its own process) for the faults that `body` runs against it. */
async function withInstance(
  env: Record<string, string>,
  body: (base: string) => Promise<void>,
): Promise<void> {
  const server: ServerProcess = await startServer('bench/resilience/platform.ts', env);
  try {
    await body(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.stop();
  }
}

/** Loads the three streams before, during and after `fault`, and sums up what they got. */
async function underLoad(base: string, streams: StreamSpec[], fault: Fault): Promise<FaultResult> {
  const [served, optedOut, overQuota] = streams as [StreamSpec, StreamSpec, StreamSpec];
  const samples: Sample[] = [];
  const timeline: Timeline = { faultAt: 0, healedAt: 0 };
  const load = runStreams(
    base,
    [
      { spec: served, connections: 10, rate: 160 },
      { spec: optedOut, connections: 2, rate: 20 },
      { spec: overQuota, connections: 2, rate: 20 },
    ],
    (BEFORE_MS + FAULT_MS) / 1000 + AFTER_SECONDS,
    (s) => samples.push(s),
  );
  await sleep(BEFORE_MS);
  await fault.inject();
  timeline.faultAt = Date.now();
  await sleep(FAULT_MS);
  await fault.heal();
  timeline.healedAt = Date.now();
  await load;
  return summarise(fault.name, streams, samples, timeline);
}

/** The cluster node serving the slot of `key`, as CLUSTER NODES says. */
async function masterOf(nodes: readonly OwnRedis[], key: string): Promise<OwnRedis> {
  const first = String(nodes[0]?.port);
  const slot = Number((await run('redis-cli', ['-p', first, 'cluster', 'keyslot', key])).stdout.trim());
  const { stdout } = await run('redis-cli', ['-p', first, 'cluster', 'nodes']);
  for (const line of stdout.trim().split('\n')) {
    const [, address = '', , , , , , , ...ranges] = line.split(' ');
    const port = Number(address.split('@')[0]?.split(':')[1]);
    for (const range of ranges) {
      const [from, to = from] = range.split('-').map(Number);
      if (from !== undefined && to !== undefined && slot >= from && slot <= to) {
        const node = nodes.find((n) => n.port === port);
        if (node) return node;
      }
    }
  }
  throw new Error(`no node serves slot ${slot}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
