import type { LoadResult } from './load.js';
import type { ProfileSummary } from './profile.js';

export type Measured = {
  name: 'baseline' | 'redis' | 'memory' | 'hono';
  label: string;
  result: LoadResult;
  wallMicros: number;
  /** CPU time of the server process during the measurement (user, system), in microseconds. */
  serverCpu: NodeJS.CpuUsage;
  /** CPU time of redis-server during the measurement (Redis scenario only). */
  redisCpuMicros: number | undefined;
  /** CPU time of this process (autocannon) during the measurement. */
  loadGenCpuMicros: number;
};

const pad = (s: string, n: number) => s.padStart(n);
const ms = (v: number) => v.toFixed(2);
const pct = (v: number) => `${Math.round(v * 100)}%`;
export const serverMicros = (m: Measured) => m.serverCpu.user + m.serverCpu.system;
const perRequest = (m: Measured) => serverMicros(m) / Math.max(1, m.result.requests);
const redisPerRequest = (m: Measured) =>
  m.redisCpuMicros === undefined ? 0 : m.redisCpuMicros / Math.max(1, m.result.requests);

function table(rows: Measured[]): void {
  const head = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'core',
    'µs CPU/req',
    'kernel',
    'redis',
  ];
  const widths = [24, 8, 7, 7, 8, 7, 5, 11, 7, 6];
  const line = (cells: string[]) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : pad(c, widths[i] ?? 0))).join(' '));
  line(head);
  for (const m of rows) {
    const r = m.result;
    const requests = Math.max(1, r.requests);
    line([
      m.label,
      String(Math.round(r.rps)),
      ms(r.p50),
      ms(r.p99),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      pct(serverMicros(m) / m.wallMicros),
      String(Math.round(perRequest(m))),
      String(Math.round(m.serverCpu.system / requests)),
      m.redisCpuMicros === undefined ? '' : String(Math.round(redisPerRequest(m))),
    ]);
  }
  console.log(
    'core: share of one core the server process used; µs CPU/req: its CPU time per request, of which ' +
      'kernel (system time); redis: redis-server CPU µs per request',
  );
}

/** Prints the figures, the ratio against the target and the measured breakdown; true on PASS. */
export function printReport(rows: Measured[], target: number): boolean {
  table(rows);
  const by = (name: Measured['name']) => rows.find((m) => m.name === name);
  const baseline = by('baseline');
  const platform = by('redis');
  if (baseline === undefined || platform === undefined) return false;
  const ratio = platform.result.rps / baseline.result.rps;
  const clean = platform.result.non2xx === 0 && platform.result.errors === 0 && baseline.result.non2xx === 0;
  const pass = clean && ratio >= target;
  console.log('');
  console.log(
    `ratio platform (Redis) / baseline: throughput ${ratio.toFixed(2)}, ` +
      `p50 ×${(platform.result.p50 / baseline.result.p50).toFixed(2)}, ` +
      `p99 ×${(platform.result.p99 / baseline.result.p99).toFixed(2)}`,
  );
  console.log(
    `non-2xx: platform ${platform.result.non2xx}, baseline ${baseline.result.non2xx}` +
      ` (platform status codes: ${JSON.stringify(platform.result.statusCodes)})`,
  );
  console.log(
    `${pass ? 'PASS' : 'FAIL'}: throughput ratio ${ratio.toFixed(2)} ${ratio >= target ? '≥' : '<'} ${target}` +
      (clean ? '' : ' — and some platform calls failed, so the figures are not valid'),
  );
  explain(rows, baseline, platform);
  return pass;
}

/** What limits the ratio, from the CPU each server process spent per request. */
function explain(rows: Measured[], baseline: Measured, platform: Measured): void {
  const by = (name: Measured['name']) => rows.find((m) => m.name === name);
  const hono = by('hono');
  const memory = by('memory');
  const us = (v: number) => `${Math.round(v)} µs`.padStart(7);
  const step = (label: string, value: number, note = '') =>
    console.log(`  ${label.padEnd(48)}${value >= 0 ? '+' : '-'}${us(Math.abs(value)).trimStart()}${note}`);
  console.log('\nwhat limits the ratio (CPU time of the server process per request, measured):');
  console.log(`  ${'node:http baseline'.padEnd(48)}${us(perRequest(baseline)).trimStart()}`);
  let from = baseline;
  if (hono !== undefined) {
    step('+ Hono, @hono/node-server, JSON body reader', perRequest(hono) - perRequest(from));
    from = hono;
  }
  if (memory !== undefined) {
    step(
      '+ platform pipeline (memory store)',
      perRequest(memory) - perRequest(from),
      hono === undefined ? '' : '  x-correlator, security headers, token, limiter, legal basis, zod, lookup',
    );
    from = memory;
  }
  step(
    memory === undefined
      ? '+ platform pipeline, Redis store'
      : '+ Redis store (ioredis: MGET + script per turn)',
    perRequest(platform) - perRequest(from),
    `  and ${us(redisPerRequest(platform)).trimStart()} more in redis-server`,
  );
  console.log(`  ${'= platform on Redis'.padEnd(48)}${us(perRequest(platform)).trimStart()}`);
  if (memory !== undefined) {
    console.log(
      `  Redis costs ${pct(1 - platform.result.rps / memory.result.rps)} of the memory store's throughput ` +
        `(${Math.round(memory.result.rps)} → ${Math.round(platform.result.rps)} req/s)`,
    );
  }
  const cpuRatio = perRequest(baseline) / (perRequest(platform) + redisPerRequest(platform));
  console.log(
    `  CPU-cost ratio baseline / (platform + redis-server): ${cpuRatio.toFixed(2)}, what the throughput ` +
      'ratio would be with the servers alone and CPU-bound',
  );
  const util = (m: Measured) => serverMicros(m) / m.wallMicros;
  console.log(
    `  share of a core used: baseline server ${pct(util(baseline))}, platform ${pct(util(platform))}, ` +
      `autocannon ${pct(baseline.loadGenCpuMicros / baseline.wallMicros)} / ` +
      `${pct(platform.loadGenCpuMicros / platform.wallMicros)} (2 cores for all of them and redis-server)`,
  );
  if (util(baseline) < 0.9) {
    console.log(
      '  the baseline server did not get a full core (the load generator and other processes share the ' +
        'machine): its throughput is under-measured and the throughput ratio flattered',
    );
  }
}

export function printProfile(summary: ProfileSummary, file: string): void {
  console.log(`CPU profile of the platform on Redis (${file}), share of busy samples:`);
  console.log('(V8 samples wall time: a send that wakes another process weighs more here than in CPU time)');
  for (const [group, share] of summary.groups) console.log(`  ${pad(pct(share), 4)}  ${group}`);
  console.log('top functions by self time:');
  for (const [fn, share] of summary.functions) console.log(`  ${pad((share * 100).toFixed(1), 5)}%  ${fn}`);
}
