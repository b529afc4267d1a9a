import type { LoadResult } from './load.js';
import type { ProfileSummary } from './profile.js';

export type Measured = {
  name: 'baseline' | 'redis' | 'memory' | 'hono';
  label: string;
  result: LoadResult;
  wallMicros: number;
  /** CPU time of the server process during the measurement. */
  serverCpuMicros: number;
  /** CPU time of redis-server during the measurement (Redis scenario only). */
  redisCpuMicros: number | undefined;
  /** CPU time of this process (autocannon) during the measurement. */
  loadGenCpuMicros: number;
};

const pad = (s: string, n: number) => s.padStart(n);
const ms = (v: number) => v.toFixed(2);
const pct = (v: number) => `${Math.round(v * 100)}%`;
const perRequest = (m: Measured) => m.serverCpuMicros / Math.max(1, m.result.requests);
const redisPerRequest = (m: Measured) =>
  m.redisCpuMicros === undefined ? 0 : m.redisCpuMicros / Math.max(1, m.result.requests);

function table(rows: Measured[]): void {
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU', 'CPU µs/req'];
  const widths = [24, 9, 8, 8, 8, 7, 11, 16];
  const line = (cells: string[]) =>
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : pad(c, widths[i] ?? 0))).join(' '));
  line(head);
  for (const m of rows) {
    const r = m.result;
    const redis = m.redisCpuMicros === undefined ? '' : ` +${Math.round(redisPerRequest(m))} redis`;
    line([
      m.label,
      String(Math.round(r.rps)),
      ms(r.p50),
      ms(r.p99),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      pct(m.serverCpuMicros / m.wallMicros),
      `${Math.round(perRequest(m))}${redis}`,
    ]);
  }
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
  const us = (v: number) => `${Math.round(v)} µs`;
  console.log('\nwhat limits the ratio (server CPU per request, measured):');
  console.log(`  node:http baseline                           ${us(perRequest(baseline))}`);
  if (hono !== undefined) {
    console.log(
      `  + Hono and @hono/node-server (Request/Response) +${us(perRequest(hono) - perRequest(baseline))}`,
    );
  }
  if (memory !== undefined) {
    const from = hono ?? baseline;
    console.log(
      `  + platform pipeline on the memory store      +${us(perRequest(memory) - perRequest(from))}` +
        `  (= ${us(perRequest(memory))}; ${Math.round(memory.result.rps)} req/s)`,
    );
    console.log(
      `  + Redis store (ioredis + EVALSHA round trip)  +${us(perRequest(platform) - perRequest(memory))}` +
        ` in the platform process, +${us(redisPerRequest(platform))} in redis-server` +
        ` (throughput ${pct(1 - platform.result.rps / memory.result.rps)} below the memory store)`,
    );
  }
  console.log(`  = platform on Redis                          ${us(perRequest(platform))}`);
  const cpuRatio = perRequest(baseline) / perRequest(platform);
  console.log(
    `  CPU-cost ratio baseline / platform: ${cpuRatio.toFixed(2)} (what the throughput ratio would be ` +
      'if each server had a core to itself)',
  );
  const util = (m: Measured) => m.serverCpuMicros / m.wallMicros;
  console.log(
    `  one core per server process: baseline used ${pct(util(baseline))} of a core, platform ${pct(util(platform))};` +
      ` autocannon used ${pct(baseline.loadGenCpuMicros / baseline.wallMicros)} and ` +
      `${pct(platform.loadGenCpuMicros / platform.wallMicros)} (2 cores in all, redis-server included)`,
  );
  if (util(baseline) < 0.9) {
    console.log(
      '  the baseline server was not saturated: the load generator shares the cores, so the baseline is ' +
        'under-measured and the throughput ratio is flattered; the CPU-cost ratio is the stricter figure',
    );
  }
}

export function printProfile(summary: ProfileSummary, file: string): void {
  console.log(`CPU profile of the platform on Redis (${file}), share of busy samples:`);
  for (const [group, share] of summary.groups) console.log(`  ${pad(pct(share), 4)}  ${group}`);
  console.log('top functions by self time:');
  for (const [fn, share] of summary.functions) console.log(`  ${pad((share * 100).toFixed(1), 5)}%  ${fn}`);
}
