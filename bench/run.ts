import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_CLIENT_ID } from './child.js';
import { load, type LoadResult } from './load.js';
import { mainProfile, summarise } from './profile.js';
import { printProfile, printReport, serverMicros, type Measured } from './report.js';
import { startRedis, startServer, type RedisProcess } from './servers.js';

/**
 * `npm run bench`: the platform's protected SIM Swap check (token check, rate limit in Redis,
 * subscriber lookup) against a bare node:http JSON server, in one run, each server in its own
 * process and autocannon in this one. See bench/README.md.
 */
const USAGE = `usage: npm run bench -- [--duration s] [--warmup s] [--connections n] [--rounds n] [--strict] [--quick] [--profile]
  --duration     seconds measured per server (default 10)
  --warmup       seconds of warm-up load before each measurement (default 3)
  --connections  concurrent connections (default 10)
  --rounds       run every scenario n times, alternating, and keep each one's median run (default 1)
  --strict       exit 1 when the throughput ratio misses the target
  --quick        only the baseline and the platform on Redis (skip the control scenarios)
  --profile      afterwards, run the platform on Redis once more under --cpu-prof and list where its CPU goes`;

export const TARGET_RATIO = 0.35;
const PATH = '/sim-swap/v2/check';
const BODY = JSON.stringify({ phoneNumber: '+34600000001', maxAge: 240 });
const SCOPE = 'dpv:FraudPreventionAndDetection sim-swap:check';
const PROFILE_DIR = path.resolve('.tmp/bench-profile');

export type ScenarioName = 'baseline' | 'redis' | 'memory' | 'hono';
type Scenario = { name: ScenarioName; label: string; script: string; store?: 'redis' | 'memory' };

// The headline pair first and back to back, so that both see the same machine.
const SCENARIOS: Scenario[] = [
  { name: 'baseline', label: 'node:http baseline', script: 'bench/baseline-server.ts' },
  { name: 'redis', label: 'platform, Redis store', script: 'bench/platform-server.ts', store: 'redis' },
  { name: 'memory', label: 'platform, memory store', script: 'bench/platform-server.ts', store: 'memory' },
  { name: 'hono', label: 'Hono, no middleware', script: 'bench/hono-server.ts' },
];

type Options = {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  strict: boolean;
  quick: boolean;
  profile: boolean;
};

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '1' },
      strict: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return n;
  };
  return {
    duration: positive('duration', values.duration, 1),
    warmup: positive('warmup', values.warmup, 0),
    connections: positive('connections', values.connections, 1),
    rounds: positive('rounds', values.rounds, 1),
    strict: values.strict,
    quick: values.quick,
    profile: values.profile,
  };
}

/** A token from the real token endpoint: client_secret_basic, client credentials grant. */
async function accessToken(base: string, secret: string): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(BENCH_CLIENT_ID)}:${encodeURIComponent(secret)}`).toString(
    'base64',
  );
  const res = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** One call before the load: the server must answer exactly what the baseline answers. */
async function check(url: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers, body: BODY });
  const text = await res.text();
  if (res.status !== 200 || text !== '{"swapped":true}') {
    throw new Error(`${url} answered ${res.status} ${text}`);
  }
}

async function measure(
  scenario: Scenario,
  o: Options,
  redis: RedisProcess | undefined,
  nodeArgs: readonly string[] = [],
): Promise<Measured> {
  const secret = randomBytes(24).toString('base64url');
  const env: Record<string, string> = { BENCH_CLIENT_SECRET: secret };
  if (scenario.store !== undefined) env.BENCH_STORE = scenario.store;
  if (scenario.store === 'redis' && redis !== undefined) env.BENCH_REDIS_URL = redis.url;
  const server = await startServer(scenario.script, env, nodeArgs);
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46',
    };
    if (scenario.store !== undefined) headers.authorization = `Bearer ${await accessToken(base, secret)}`;
    await check(`${base}${PATH}`, headers);
    const run = (durationSeconds: number): Promise<LoadResult> =>
      load({ url: `${base}${PATH}`, headers, body: BODY, connections: o.connections, durationSeconds });
    if (o.warmup > 0) await run(o.warmup);
    const before = {
      server: await server.cpu(),
      redis: scenario.store === 'redis' ? await redis?.cpuMicros() : undefined,
      self: process.cpuUsage(),
      at: performance.now(),
    };
    const result = await run(o.duration);
    const wallMicros = (performance.now() - before.at) * 1000;
    const self = process.cpuUsage(before.self);
    const redisAfter = scenario.store === 'redis' ? await redis?.cpuMicros() : undefined;
    return {
      name: scenario.name,
      label: scenario.label,
      result,
      wallMicros,
      serverCpu: await server.cpu().then((after) => ({
        user: after.user - before.server.user,
        system: after.system - before.server.system,
      })),
      redisCpuMicros:
        redisAfter !== undefined && before.redis !== undefined ? redisAfter - before.redis : undefined,
      loadGenCpuMicros: self.user + self.system,
    };
  } finally {
    await server.stop();
  }
}

/** The run with the median throughput. */
function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.result.rps - b.result.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Measured;
}

async function main(): Promise<void> {
  const o = options();
  const scenarios = SCENARIOS.filter((s) => !o.quick || s.name === 'baseline' || s.name === 'redis');
  console.log(
    `bench: POST ${PATH}, ${o.connections} connections, ${o.warmup} s warm-up + ${o.duration} s measured ` +
      `per server${o.rounds > 1 ? `, ${o.rounds} rounds (median run kept)` : ''}`,
  );
  const loadBefore = os.loadavg()[0] ?? 0;
  console.log(
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`,
  );
  const redis = await startRedis();
  const runs = new Map<ScenarioName, Measured[]>();
  try {
    for (let round = 1; round <= o.rounds; round++) {
      for (const scenario of scenarios) {
        process.stdout.write(`  ${o.rounds > 1 ? `[${round}/${o.rounds}] ` : ''}${scenario.label} … `);
        const m = await measure(scenario, o, redis);
        console.log(
          `${Math.round(m.result.rps)} req/s, ${Math.round(serverMicros(m) / m.result.requests)} µs CPU/req`,
        );
        runs.set(scenario.name, [...(runs.get(scenario.name) ?? []), m]);
      }
    }
    const measured = scenarios.map((s) => median(runs.get(s.name) ?? []));
    const loadAfter = os.loadavg()[0] ?? 0;
    console.log(`\nload average (1 min): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
    if (loadBefore > 0.5) {
      console.log(
        'other processes were busy before the run: throughput figures are noisy; the CPU µs/req column is ' +
          `steadier${o.rounds === 1 ? ' (or rerun with --rounds 3)' : ''}`,
      );
    }
    console.log('');
    const pass = printReport(measured, TARGET_RATIO);
    if (o.profile) {
      await rm(PROFILE_DIR, { recursive: true, force: true });
      await mkdir(PROFILE_DIR, { recursive: true });
      const redisScenario = SCENARIOS.find((s) => s.name === 'redis') as Scenario;
      console.log(`\nprofiling ${redisScenario.label} (--cpu-prof, ${o.duration} s) …`);
      await measure(redisScenario, o, redis, ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]);
      const file = await mainProfile(PROFILE_DIR);
      if (file === undefined) throw new Error('no CPU profile was written');
      printProfile(await summarise(file), path.relative(process.cwd(), file));
    }
    if (!pass && o.strict) process.exitCode = 1;
  } finally {
    await redis.stop();
  }
}

// An interrupted run still stops redis-server (an 'exit' hook in servers.ts); the server
// processes stop by themselves when this process goes away.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
