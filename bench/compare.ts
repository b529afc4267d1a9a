import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import nodeCrypto from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { OUT_OF_REACH_PLAN } from './platform-setup.js';
import { startRedis, type RedisProcess } from './servers.js';

/**
 * `npx tsx bench/compare.ts <revision>`: the CPU cost per SIM Swap check of the platform at a git
 * revision against the working tree, both served from this one process and loaded in turn by
 * autocannon from a child process, in alternating windows (A B B A …). Both sides see the same
 * machine at nearly the same moment, so the difference stays readable on a shared machine where
 * the absolute figures of `npm run bench` move by several µs from run to run (bench/README.md).
 * The revision must have the same composition API as the working tree (buildDeps, createApp).
 */
const USAGE = `usage: npx tsx bench/compare.ts <revision> [--store redis|memory] [--windows n] [--window-ms ms]`;
const PATH = '/sim-swap/v2/check';
const BODY = JSON.stringify({ phoneNumber: '+34600000001', maxAge: 240 });

type Load = { url: string; headers: Record<string, string>; ms: number };
type LoadDone = { requests: number; non2xx: number };
type Side = { name: string; load: Omit<Load, 'ms'>; close(): Promise<void> };

/** The load generator, in its own process so that its CPU time is not the platform's. */
function loadChild(): void {
  process.on('message', (m: Load) => {
    const options = { url: m.url, method: 'POST' as const, headers: m.headers, body: BODY };
    autocannon({ ...options, connections: 10, duration: m.ms / 1000 }, (_error, r) => {
      process.send?.({ requests: r.requests.total, non2xx: r.non2xx } satisfies LoadDone);
    });
  });
}

const digest = (text: string): string => nodeCrypto.createHash('sha256').update(text).digest('hex');

/** One platform, from the sources under `root`, as bench/platform-server.ts builds it. */
async function platform(name: string, root: string, redis: RedisProcess | undefined): Promise<Side> {
  const at = (file: string) => import(path.resolve(root, file));
  const [{ createApp }, { buildDeps }, { parseConfig }, seed, { MemoryStore }, { RedisStore }, clock] =
    await Promise.all([
      at('src/app.ts'),
      at('src/bootstrap.ts'),
      at('src/config.ts'),
      at('src/sandbox-seed.ts'),
      at('src/store/memory.ts'),
      at('src/store/redis.ts'),
      at('src/clock.ts'),
    ]);
  const store =
    redis === undefined
      ? new MemoryStore(clock.systemClock)
      : new RedisStore({ url: redis.url, keyPrefix: `compare-${name}:` });
  if (redis !== undefined) await store.connect();
  const config = parseConfig({ PUBLIC_URL: 'http://gateway.bench', LOG_LEVEL: 'error' });
  const deps = await buildDeps(config, { store, tokenDigest: digest });
  // As bench/platform-server.ts: limits out of reach, the limiter runs on every call.
  deps.plans = { ...deps.plans, bench: OUT_OF_REACH_PLAN };
  const demo = seed.SANDBOX_APPLICATIONS.find((a: { clientId: string }) => a.clientId === 'demo-app');
  const { clientSecret: _secret, ...record } = demo;
  await deps.applications.put({ ...record, clientId: 'bench-app', plan: 'bench' });
  const { token } = await deps.tokens.issue({
    clientId: 'bench-app',
    scopes: ['sim-swap:check'],
    purpose: 'dpv:FraudPreventionAndDetection',
  });
  // Since the runtime seam, the entry names the Node runtime (src/node.ts); older revisions read
  // the Node request themselves.
  const runtime = await at('src/runtime/node.ts').then(
    (m: { nodeRuntime: unknown }) => m.nodeRuntime,
    () => undefined,
  );
  const app = runtime === undefined ? createApp(deps) : createApp(deps, { runtime });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const headers = {
    'content-type': 'application/json',
    'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46',
    authorization: `Bearer ${token}`,
  };
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, { method: 'POST', headers, body: BODY });
  if (res.status !== 200) throw new Error(`${name} answered ${res.status} ${await res.text()}`);
  return {
    name,
    load: { url: `http://127.0.0.1:${port}${PATH}`, headers },
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}

function run(child: ChildProcess, load: Load): Promise<LoadDone> {
  return new Promise((resolve) => {
    child.once('message', (m: LoadDone) => resolve(m));
    child.send(load);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      store: { type: 'string', default: 'redis' },
      windows: { type: 'string', default: '10' },
      'window-ms': { type: 'string', default: '1500' },
    },
  });
  const revision = positionals[0];
  if (revision === undefined || !['redis', 'memory'].includes(values.store)) throw new Error(USAGE);
  const sha = execFileSync('git', ['rev-parse', '--short', revision], { encoding: 'utf8' }).trim();
  const root = path.resolve('.tmp/compare', sha);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execFileSync('git', ['archive', '--format=tar', '-o', `${root}.tar`, sha]);
  execFileSync('tar', ['-xf', `${root}.tar`, '-C', root]);
  const redis = values.store === 'redis' ? await startRedis() : undefined;
  const child = fork(process.argv[1] as string, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_COMPARE_LOAD: '1' },
  });
  try {
    const sides = [await platform(sha, root, redis), await platform('working tree', '.', redis)];
    const ms = Number(values['window-ms']);
    for (const side of sides) await run(child, { ...side.load, ms: 2000 }); // warm-up
    const cpu: number[][] = [[], []];
    const redisCpu: number[][] = [[], []];
    for (let w = 0; w < Number(values.windows); w++) {
      for (const i of w % 2 === 0 ? [0, 1] : [1, 0]) {
        const side = sides[i] as Side;
        const redisBefore = (await redis?.snapshot())?.cpuMicros;
        const before = process.cpuUsage();
        const done = await run(child, { ...side.load, ms });
        const used = process.cpuUsage(before);
        if (done.non2xx > 0) throw new Error(`${side.name}: ${done.non2xx} non-2xx answers`);
        cpu[i]?.push((used.user + used.system) / done.requests);
        if (redis !== undefined)
          redisCpu[i]?.push(((await redis.snapshot()).cpuMicros - (redisBefore ?? 0)) / done.requests);
      }
    }
    console.log(`platform CPU µs per call (median of ${values.windows} windows, ${values.store} store):`);
    sides.forEach((side, i) => {
      const extra = redis === undefined ? '' : `, redis-server ${median(redisCpu[i] ?? []).toFixed(1)}`;
      console.log(`  ${side.name.padEnd(12)} ${median(cpu[i] ?? []).toFixed(1)}${extra}`);
    });
    console.log(`  difference   ${(median(cpu[1] ?? []) - median(cpu[0] ?? [])).toFixed(1)}`);
    for (const side of sides) await side.close();
  } finally {
    child.kill();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(`${root}.tar`, { force: true });
  }
}

if (process.env.BENCH_COMPARE_LOAD === '1') loadChild();
else
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
