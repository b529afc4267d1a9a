import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs, promisify } from 'node:util';
import type { OwnRedis } from '../../test/support/redis-server.js';
import { FAULT_CLIENTS, prepareStreams, type StreamSpec } from './clients.js';
import { removeDir, startCluster, startRedis, untilClusterOk } from './redis.js';
import { summarise, printTable, type FaultResult, type Timeline } from './fault-report.js';
import { runStreams, type Sample } from './stream.js';
import { FAULT_TARGETS, type FaultTarget, type RedisEnv } from './targets.js';

const run = promisify(execFile);

/**
 * `npm run faults [-- --target node|worker|both]`: one platform instance under steady load (200
 * calls a second over three streams) while Redis fails in turn: stopped for 5 s then restarted on
 * the same port, frozen (SIGSTOP) for 5 s, and one master of a three-master cluster killed
 * (SIGKILL) then restarted. The instance is the Node entry (default) or the Worker in a local
 * workerd (targets.ts), on the same redis-server. Prints per target and fault the answers per
 * status, any 500 or hang, the longest wait during the fault and the recovery time; exits non-zero
 * on a 500, a request left without an answer, or a call served that a limit or a consent check
 * must refuse (DESIGN §3: fail closed, never skip a check).
 */
const BEFORE_MS = 3000;
const FAULT_MS = 5000;
const AFTER_SECONDS = 7;

type Fault = { name: string; inject(): Promise<void>; heal(): Promise<void> };

async function main(): Promise<void> {
  const targets = targetsOf(process.argv.slice(2));
  const dir = `.tmp/faults-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const runs: { target: FaultTarget; results: FaultResult[] }[] = [];
  try {
    for (const target of targets) {
      runs.push({ target, results: await faultsOn(target, `${dir}/${target.name}`, secret) });
    }
  } finally {
    await removeDir(dir);
  }
  let failed = false;
  for (const { target, results } of runs) {
    console.log(`\n## ${target.name}`);
    failed = printTable(results) || failed;
    if (!target.cluster) {
      console.log(
        `cluster master killed: not run, the ${target.name} target does not serve on REDIS_CLUSTER_NODES`,
      );
    }
  }
  process.exitCode = failed ? 1 : 0;
}

/** `--target node` (default), `--target worker`, or `--target both` (node, then worker). */
function targetsOf(args: string[]): FaultTarget[] {
  const { values } = parseArgs({ args, options: { target: { type: 'string', default: 'node' } } });
  if (values.target === 'both') return [FAULT_TARGETS.node, FAULT_TARGETS.worker];
  if (values.target === 'node' || values.target === 'worker') return [FAULT_TARGETS[values.target]];
  throw new Error(`--target must be node, worker or both, not ${values.target}`);
}

/** The three faults against `target`: the cluster one only where the target serves on a cluster. */
async function faultsOn(target: FaultTarget, dir: string, secret: string): Promise<FaultResult[]> {
  const results: FaultResult[] = [];
  const redis = await startRedis(`${dir}/single`);
  try {
    await withInstance(target, { REDIS_URL: redis.url }, secret, async (base) => {
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
  } finally {
    await redis.shutdown();
  }
  if (!target.cluster) return results;

  const nodes = await startCluster(`${dir}/cluster`);
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  try {
    await withInstance(target, { REDIS_CLUSTER_NODES: seeds }, secret, async (base) => {
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
  return results;
}

/** One platform instance of `target` for the faults that `body` runs against it. */
async function withInstance(
  target: FaultTarget,
  redis: RedisEnv,
  secret: string,
  body: (base: string) => Promise<void>,
): Promise<void> {
  const instance = await target.start(redis, secret);
  try {
    await body(instance.base);
  } finally {
    await instance.stop();
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
