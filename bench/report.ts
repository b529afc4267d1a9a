import type { LoadResult } from './load.js';
import type { ProfileSummary } from './profile.js';
import type { Scenario } from './scenarios.js';
import type { RedisSnapshot } from './servers.js';

/** One measurement window of one scenario. */
export type Measured = {
  scenario: Scenario;
  result: LoadResult;
  wallMicros: number;
  /** CPU time of the server process during the window (user, system), in microseconds. */
  serverCpu: NodeJS.CpuUsage;
  /** redis-server's counters over the window (scenarios that use Redis): see RedisSnapshot. */
  redis: RedisSnapshot | undefined;
  /** CPU time of this process (the load generator) during the window. */
  loadGenCpuMicros: number;
};

/** A scenario's figures over its rounds: the median of each, CPU per call also as a range. */
export type Figures = {
  id: string;
  name: string;
  kind: 'api' | 'token';
  peer: boolean;
  rounds: number;
  requests: number;
  /** Requests (or tokens) per second. */
  rps: number;
  /** Latency of the 2xx answers, ms. */
  p50: number;
  p99: number;
  /** CPU time of the server process per call (user + system), µs; min and max over the rounds. */
  cpuUsPerCall: number;
  cpuUsPerCallRange: [number, number];
  kernelUsPerCall: number;
  /** redis-server CPU per call, µs (null when the scenario does not use Redis). */
  redisUsPerCall: number | null;
  /** Redis commands per call, commands run inside a Lua script included (INFO commandstats). */
  redisCommandsPerCall: Record<string, number> | null;
  /** Network round trips to Redis per call (read events of redis-server, over every round). */
  roundTripsPerCall: number | null;
  /** Script calls (EVALSHA, EVAL) per call: each is one command sent. */
  redisScriptsPerCall: number | null;
  /** Share of one core used by the server process and by the load generator. */
  serverCore: number;
  loadGenCore: number;
  non2xx: number;
  errors: number;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const cpuPerCall = (m: Measured) => (m.serverCpu.user + m.serverCpu.system) / Math.max(1, m.result.requests);

export function figures(runs: Measured[]): Figures {
  const first = runs[0];
  if (first === undefined) throw new Error('no run to summarise');
  const { scenario } = first;
  const requests = runs.reduce((n, m) => n + m.result.requests, 0);
  const perCall = runs.map(cpuPerCall);
  let commands: Record<string, number> | null = null;
  if (scenario.redis) {
    commands = {};
    for (const m of runs) {
      for (const [name, calls] of Object.entries(m.redis?.calls ?? {}))
        commands[name] = (commands[name] ?? 0) + calls;
    }
    for (const name of Object.keys(commands)) {
      const perCall = round((commands[name] ?? 0) / requests, 3);
      // Commands another scenario sent (the keys of one redis-server are shared) round to 0.
      if (perCall > 0) commands[name] = perCall;
      else delete commands[name];
    }
  }
  return {
    id: scenario.id,
    name: scenario.name,
    kind: scenario.kind,
    peer: scenario.peer,
    rounds: runs.length,
    requests,
    rps: Math.round(median(runs.map((m) => m.result.requests / (m.wallMicros / 1e6)))),
    p50: round(median(runs.map((m) => m.result.p50)), 3),
    p99: round(median(runs.map((m) => m.result.p99)), 3),
    cpuUsPerCall: round(median(perCall)),
    cpuUsPerCallRange: [round(Math.min(...perCall)), round(Math.max(...perCall))],
    kernelUsPerCall: round(median(runs.map((m) => m.serverCpu.system / Math.max(1, m.result.requests)))),
    redisUsPerCall: scenario.redis
      ? round(median(runs.map((m) => (m.redis?.cpuMicros ?? 0) / Math.max(1, m.result.requests))))
      : null,
    redisCommandsPerCall: commands,
    roundTripsPerCall: scenario.redis
      ? round(runs.reduce((n, m) => n + (m.redis?.reads ?? 0), 0) / Math.max(1, requests), 3)
      : null,
    redisScriptsPerCall: commands === null ? null : round((commands.evalsha ?? 0) + (commands.eval ?? 0), 3),
    serverCore: round(median(runs.map((m) => (m.serverCpu.user + m.serverCpu.system) / m.wallMicros)), 2),
    loadGenCore: round(median(runs.map((m) => m.loadGenCpuMicros / m.wallMicros)), 2),
    non2xx: runs.reduce((n, m) => n + m.result.non2xx, 0),
    errors: runs.reduce((n, m) => n + m.result.errors + m.result.timeouts, 0),
  };
}

export function printTable(rows: Figures[]): void {
  const head = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'failed',
    'core',
    'µs CPU/call',
    '(min–max)',
    'kernel',
    'redis µs',
  ];
  const widths = [48, 7, 7, 7, 7, 5, 12, 12, 7, 9];
  const line = (cells: string[]) =>
    console.log(
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join(' '),
    );
  for (const kind of ['api', 'token'] as const) {
    const group = rows.filter((r) => r.kind === kind);
    if (group.length === 0) continue;
    console.log(
      kind === 'api' ? `protected call (POST /sim-swap/v2/check):` : '\ntoken issuance (client credentials):',
    );
    line(kind === 'api' ? head : head.map((h) => h.replace('req/s', 'tok/s').replace('/call', '/token')));
    for (const r of group) {
      line([
        r.name,
        String(r.rps),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        String(r.non2xx + r.errors),
        `${Math.round(r.serverCore * 100)}%`,
        r.cpuUsPerCall.toFixed(1),
        `${Math.round(r.cpuUsPerCallRange[0])}–${Math.round(r.cpuUsPerCallRange[1])}`,
        r.kernelUsPerCall.toFixed(1),
        r.redisUsPerCall === null ? '' : r.redisUsPerCall.toFixed(1),
      ]);
    }
  }
  console.log(
    '\nfailed: non-2xx answers and connection errors; core: share of one core the server process used; ' +
      'µs CPU/call: its CPU time (user + system) per call, median of the rounds, of which kernel; ' +
      'redis µs: redis-server CPU per call',
  );
  console.log(
    '\nRedis per call: round trips (read events of redis-server: one per batch a client sends, however ' +
      'many commands it packs); commands (INFO commandstats, where the commands a Lua script runs count too):',
  );
  for (const r of rows) {
    if (r.redisCommandsPerCall === null) continue;
    const list = Object.entries(r.redisCommandsPerCall)
      .filter(([, n]) => n >= 0.001)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    console.log(
      `  ${r.name.padEnd(48)} round trips ${r.roundTripsPerCall}; scripts ${r.redisScriptsPerCall}; ${list}`,
    );
  }
}

export function printProfile(
  name: string,
  summary: ProfileSummary,
  file: string,
  cpuUsPerCall: number | undefined,
): void {
  const pct = (v: number) => `${Math.round(v * 100)}%`.padStart(4);
  console.log(`\nCPU profile of ${name} (${file}), share of busy samples:`);
  console.log('(V8 samples wall time: a send that wakes another process weighs more here than in CPU time)');
  for (const [group, share] of summary.groups) console.log(`  ${pct(share)}  ${group}`);
  const us = (share: number) =>
    cpuUsPerCall === undefined ? '' : `${(share * cpuUsPerCall).toFixed(1).padStart(6)} µs`;
  console.log(
    `by the part of the platform that caused the work${cpuUsPerCall === undefined ? '' : ` (share × the run's ${cpuUsPerCall.toFixed(1)} µs CPU per call)`}:`,
  );
  for (const [feature, share] of summary.features) console.log(`  ${pct(share)}${us(share)}  ${feature}`);
  console.log('top functions by self time:');
  for (const [fn, share] of summary.functions)
    console.log(`  ${(share * 100).toFixed(1).padStart(5)}%  ${fn}`);
}

export type Profiled = { summary: ProfileSummary; cpu: number };

/**
 * The protected call's CPU, platform against peer, by group of the sampled function (each share of
 * the profile times the run's CPU per call): where the platform's extra time goes.
 */
export function printGroupsSideBySide(platform: Profiled, peer: Profiled): void {
  const us = (p: Profiled) => new Map(p.summary.groups.map(([g, share]) => [g, share * p.cpu]));
  const a = us(platform);
  const b = us(peer);
  const extra = (g: string) => (a.get(g) ?? 0) - (b.get(g) ?? 0);
  const groups = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => extra(y) - extra(x));
  console.log("\nprotected call, µs CPU per call by group (profile share × the run's CPU per call):");
  console.log(`  ${'platform'.padStart(8)}  ${'peer'.padStart(8)}  ${'extra'.padStart(8)}  group`);
  const row = (x: number, y: number, name: string) =>
    console.log(
      `  ${x.toFixed(1).padStart(8)}  ${y.toFixed(1).padStart(8)}  ${(x - y).toFixed(1).padStart(8)}  ${name}`,
    );
  for (const g of groups) row(a.get(g) ?? 0, b.get(g) ?? 0, g);
  row(platform.cpu, peer.cpu, 'all');
}

/** The --json output: one object per scenario, the figures under stable names. */
export function jsonRows(rows: Figures[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    peer: r.peer,
    requestsPerSecond: r.rps,
    p50Ms: r.p50,
    p99Ms: r.p99,
    cpuMicrosPerCall: r.cpuUsPerCall,
    cpuMicrosPerCallRange: r.cpuUsPerCallRange,
    redisMicrosPerCall: r.redisUsPerCall,
    ...(r.roundTripsPerCall === null ? {} : { roundTripsPerCall: r.roundTripsPerCall }),
    ...(r.redisCommandsPerCall === null ? {} : { redisCommandsPerCall: r.redisCommandsPerCall }),
    rounds: r.rounds,
    requests: r.requests,
    failed: r.non2xx + r.errors,
  }));
}
