import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compilePlatformServer } from './build.js';
import { load } from './load.js';
import { summarise, type ProfileSummary } from './profile.js';
import {
  figures,
  jsonRows,
  printGroupsSideBySide,
  printProfile,
  printTable,
  type Figures,
  type Measured,
  type Profiled,
} from './report.js';
import {
  credentials,
  platformToken,
  scenarios as allScenarios,
  serverSpecs,
  type Scenario,
  type ServerId,
  type ServerSpec,
} from './scenarios.js';
import { startRedis, startServer, type RedisProcess, type ServerProcess } from './servers.js';
import { printBreakdown, printVerdicts, verdicts } from './verdicts.js';

/**
 * `npm run bench`: the platform's protected SIM Swap check and its token endpoint against a bare
 * node:http server, the fastify service a Node team would write, and node-oidc-provider, in one
 * run: every server in its own process (started once), autocannon in this one, the scenarios
 * loaded in alternating rounds (A B C … A B C …). See bench/README.md.
 */
const USAGE = `usage: npm run bench -- [--quick] [--json] [--rounds n] [--duration s] [--warmup s] [--connections n] [--only ids] [--profile]
  --quick        1 s warm-up + 2 s measured per window, without the Hono control (about 2 minutes)
  --json         print the figures as JSON on stdout (progress goes to stderr)
  --rounds       alternating rounds (default 3); each figure is the median of the rounds
  --duration     seconds measured per window (default 7; 2 with --quick)
  --warmup       seconds of load before each window (default 2; 1 with --quick)
  --connections  concurrent connections (default 10)
  --only         comma-separated scenario ids: baseline, platform-redis, platform-redis-js,
                 platform-memory, peer-cache, peer-nocache, hono, token-platform-basic,
                 token-oidc-basic, token-platform-jwt, token-oidc-jwt
  --profile      afterwards, one more window of each selected scenario of the platform on Redis
                 (platform-redis, token-platform-basic, token-platform-jwt) and of peer-cache
                 under the V8 CPU profiler, summarised`;

/** Signed before each window, so that no signing competes with the server for the cores. */
const ASSERTIONS_PER_SECOND = 4000;
const BUILD_DIR = path.resolve('.tmp/bench-build');
const PROFILE_DIR = path.resolve('.tmp/bench-profile');

type Options = {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  quick: boolean;
  json: boolean;
  only: string[] | undefined;
  profile: boolean;
};

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}\n${USAGE}`);
    }
    return n;
  };
  const quick = values.quick;
  return {
    duration: integer('duration', values.duration ?? (quick ? '2' : '7'), 1, 60),
    warmup: integer('warmup', values.warmup ?? (quick ? '1' : '2'), 0, 30),
    connections: integer('connections', values.connections, 1, 100),
    rounds: integer('rounds', values.rounds, 1, 10),
    quick,
    json: values.json,
    only: values.only?.split(',').map((s) => s.trim()),
    profile: values.profile,
  };
}

const progress = (text: string) => process.stderr.write(text);

/** One call before the load: the server must give the answer every call of the load expects. */
async function check(base: string, scenario: Scenario): Promise<void> {
  const { request } = scenario;
  const res = await fetch(`${base}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.makeBody?.() ?? request.body,
  });
  const text = await res.text();
  if (!request.expect(res.status, text)) throw new Error(`${scenario.name} answered ${res.status} ${text}`);
}

/** One window: warm-up load, then the measured load with CPU and Redis counters around it. */
async function measure(
  server: ServerProcess,
  scenario: Scenario,
  o: Options,
  redis: RedisProcess,
): Promise<Measured> {
  const base = `http://127.0.0.1:${server.port}`;
  await check(base, scenario);
  // Enough signed assertions for the fastest server seen here (about 2 700 tokens/s).
  scenario.request.prepare?.((o.warmup + o.duration) * ASSERTIONS_PER_SECOND);
  const run = (durationSeconds: number) =>
    load({
      url: `${base}${scenario.request.path}`,
      headers: scenario.request.headers,
      body: scenario.request.body,
      makeBody: scenario.request.makeBody,
      connections: o.connections,
      durationSeconds,
    });
  if (o.warmup > 0) await run(o.warmup);
  const before = {
    server: await server.cpu(),
    redis: scenario.redis ? await redis.snapshot() : undefined,
    self: process.cpuUsage(),
    at: performance.now(),
  };
  const result = await run(o.duration);
  const wallMicros = (performance.now() - before.at) * 1000;
  const self = process.cpuUsage(before.self);
  const after = await server.cpu();
  const signedDuringLoad = scenario.request.prepare?.(0) ?? 0;
  if (signedDuringLoad > 0)
    progress(`(the pool ran out: ${signedDuringLoad} assertions signed during the load) `);
  let redisDelta: Measured['redis'];
  if (before.redis !== undefined) {
    const now = await redis.snapshot();
    const { calls, cpuMicros, reads } = before.redis;
    redisDelta = {
      cpuMicros: now.cpuMicros - cpuMicros,
      calls: Object.fromEntries(Object.entries(now.calls).map(([name, n]) => [name, n - (calls[name] ?? 0)])),
      // The second INFO's own read is in the difference.
      reads: now.reads - reads - 1,
    };
  }
  return {
    scenario,
    result,
    wallMicros,
    serverCpu: { user: after.user - before.server.user, system: after.system - before.server.system },
    redis: redisDelta,
    loadGenCpuMicros: self.user + self.system,
  };
}

async function startAll(specs: ServerSpec[]): Promise<Map<ServerId, ServerProcess>> {
  const started = new Map<ServerId, ServerProcess>();
  const results = await Promise.allSettled(
    specs.map(async (s) => started.set(s.id, await startServer(s.script, s.env, [], s.compiled ?? false))),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all([...started.values()].map((s) => s.stop()));
    throw failed.reason;
  }
  return started;
}

async function main(): Promise<void> {
  const o = options();
  const startedAt = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const machine = `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  progress(
    `bench: ${o.connections} connections, ${o.rounds} alternating rounds, ${o.warmup} s warm-up + ${o.duration} s ` +
      `measured per window\nmachine: ${machine}, load average ${loadBefore.toFixed(1)}\n`,
  );
  const c = await credentials();
  const bearer = new Map<ServerId, string>();
  let list = allScenarios(c, bearer, o.quick);
  const unknown = o.only?.filter((id) => !allScenarios(c, bearer, false).some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario: ${unknown.join(', ')}\n${USAGE}`);
  if (o.only !== undefined) list = list.filter((s) => o.only?.includes(s.id));
  if (list.length === 0) throw new Error(`no scenario selected\n${USAGE}`);
  const needed = new Set(list.map((s) => s.server));
  await rm(BUILD_DIR, { recursive: true, force: true });
  // Compiled only when a scenario runs it.
  const compiled = needed.has('platform-redis-js') ? await compilePlatformServer(BUILD_DIR) : '';
  const redis = await startRedis();
  let servers = new Map<ServerId, ServerProcess>();
  try {
    servers = await startAll(serverSpecs(c, redis.url, compiled).filter((s) => needed.has(s.id)));
    for (const [id, server] of servers) {
      if (id.startsWith('platform'))
        bearer.set(id, await platformToken(`http://127.0.0.1:${server.port}`, c));
    }
    list = allScenarios(c, bearer, o.quick).filter((s) => list.some((l) => l.id === s.id));
    progress(`servers started in ${((performance.now() - startedAt) / 1000).toFixed(0)} s\n`);

    const runs = new Map<string, Measured[]>();
    for (let round = 1; round <= o.rounds; round++) {
      // Each round starts one scenario further (A B C, B C A, C A B): no scenario always runs
      // first, or always right after the same neighbour.
      const shift = (round - 1) % list.length;
      for (const scenario of [...list.slice(shift), ...list.slice(0, shift)]) {
        const server = servers.get(scenario.server);
        if (server === undefined) throw new Error(`no server for ${scenario.id}`);
        progress(`  [${round}/${o.rounds}] ${scenario.name} … `);
        const m = await measure(server, scenario, o, redis);
        const us = (m.serverCpu.user + m.serverCpu.system) / Math.max(1, m.result.requests);
        progress(`${Math.round(m.result.requests / (m.wallMicros / 1e6))}/s, ${us.toFixed(1)} µs CPU/call\n`);
        runs.set(scenario.id, [...(runs.get(scenario.id) ?? []), m]);
      }
    }
    const rows: Figures[] = list.map((s) => figures(runs.get(s.id) ?? []));
    const judged = verdicts(rows);
    const loadAfter = os.loadavg()[0] ?? 0;
    const seconds = Math.round((performance.now() - startedAt) / 1000);
    if (o.json) {
      // Only the figures on stdout; the verdicts as text beside the progress on stderr.
      console.log(JSON.stringify(jsonRows(rows), null, 2));
      printVerdicts(judged, progress);
    } else {
      console.log(
        `\n${machine}; load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; ` +
          `${o.rounds} rounds × (${o.warmup} s + ${o.duration} s); ${seconds} s in all\n`,
      );
      printTable(rows);
      printVerdicts(judged, (text) => process.stdout.write(text));
      printBreakdown(rows);
    }
    if (o.profile) {
      await rm(PROFILE_DIR, { recursive: true, force: true });
      await mkdir(PROFILE_DIR, { recursive: true });
      // The platform on Redis, and the peer its verdict compares with, read side by side.
      const profiled = new Map<string, { summary: ProfileSummary; cpu: number | undefined }>();
      for (const scenario of list.filter((s) => s.server === 'platform-redis' || s.server === 'peer-cache')) {
        const server = servers.get(scenario.server);
        const cpu = rows.find((r) => r.id === scenario.id)?.cpuUsPerCall;
        if (server !== undefined)
          profiled.set(scenario.id, { summary: await profile(server, scenario, o, redis, cpu), cpu });
      }
      const platform = profiled.get('platform-redis');
      const peer = profiled.get('peer-cache');
      if (!o.json && platform?.cpu !== undefined && peer?.cpu !== undefined)
        printGroupsSideBySide(platform as Profiled, peer as Profiled);
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await redis.stop();
  }
}

/**
 * One more window of a scenario of the platform on Redis (the tsx server of the run, already
 * warm: the protected call or a token scenario), or of the peer it is judged against, under the
 * V8 CPU profiler, its profile summarised.
 */
async function profile(
  server: ServerProcess,
  scenario: Scenario,
  o: Options,
  redis: RedisProcess,
  cpuUsPerCall: number | undefined,
): Promise<ProfileSummary> {
  const file = path.join(PROFILE_DIR, `${scenario.id}.cpuprofile`);
  progress(`\nprofiling ${scenario.name} (V8 CPU profiler, ${o.duration} s) …\n`);
  const stop = await server.profile();
  await measure(server, scenario, { ...o, warmup: 0 }, redis);
  await stop(file);
  const summary = await summarise(file);
  if (!o.json) printProfile(scenario.name, summary, path.relative(process.cwd(), file), cpuUsPerCall);
  return summary;
}

// An interrupted run still stops redis-server (an 'exit' hook in servers.ts); the server
// processes stop by themselves when this process goes away (their IPC channel closes).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
