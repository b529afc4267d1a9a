import type { Figures } from './report.js';

/**
 * The targets of the benchmark. The protected call is judged on CPU time per call of the server
 * process: on a machine shared with other work, throughput moves with what the neighbours take
 * (a throughput ratio flipped between PASS and FAIL on noise), CPU per call much less. Token
 * issuance is judged on tokens per second, as the issue states it, with CPU per token beside it.
 * Printed, never an exit code.
 */
export type Verdict = {
  target: string;
  pass: boolean | null;
  platform: number | null;
  peer: number | null;
  detail: string;
};

const valid = (r: Figures) => r.non2xx === 0 && r.errors === 0;

function verdict(
  rows: Figures[],
  target: string,
  platformId: string,
  peerId: string,
  by: 'cpu' | 'throughput',
): Verdict {
  const platform = rows.find((r) => r.id === platformId);
  const peer = rows.find((r) => r.id === peerId);
  if (platform === undefined || peer === undefined) {
    return { target, pass: null, platform: null, peer: null, detail: 'not measured in this run' };
  }
  const ratio = platform.cpuUsPerCall / peer.cpuUsPerCall;
  const throughput = platform.rps / peer.rps;
  const clean = valid(platform) && valid(peer);
  const withRedis = (r: Figures) => r.cpuUsPerCall + (r.redisUsPerCall ?? 0);
  return {
    target,
    pass: clean && (by === 'cpu' ? platform.cpuUsPerCall <= peer.cpuUsPerCall : platform.rps >= peer.rps),
    platform: by === 'cpu' ? platform.cpuUsPerCall : platform.rps,
    peer: by === 'cpu' ? peer.cpuUsPerCall : peer.rps,
    detail:
      (by === 'cpu'
        ? `CPU ${platform.cpuUsPerCall} vs ${peer.cpuUsPerCall} µs, ratio ${ratio.toFixed(2)}; ` +
          `throughput ×${throughput.toFixed(2)} (${platform.rps} vs ${peer.rps}/s)`
        : `throughput ${platform.rps} vs ${peer.rps}/s, ratio ${throughput.toFixed(2)}; ` +
          `CPU ${platform.cpuUsPerCall} vs ${peer.cpuUsPerCall} µs (×${ratio.toFixed(2)})`) +
      `; with redis-server ${withRedis(platform).toFixed(1)} vs ${withRedis(peer).toFixed(1)} µs` +
      (clean ? '' : '; some calls failed, so the figures are not valid'),
  };
}

export function verdicts(rows: Figures[]): Verdict[] {
  return [
    verdict(
      rows,
      'platform (tsx) on Redis: CPU per call ≤ peer with verify cache',
      'platform-redis',
      'peer-cache',
      'cpu',
    ),
    verdict(
      rows,
      'platform (compiled JS) on Redis: CPU per call ≤ peer with verify cache',
      'platform-redis-js',
      'peer-cache',
      'cpu',
    ),
    verdict(
      rows,
      'token, client_secret_basic: platform tokens/s ≥ oidc-provider',
      'token-platform-basic',
      'token-oidc-basic',
      'throughput',
    ),
    verdict(
      rows,
      'token, private_key_jwt: platform tokens/s ≥ oidc-provider',
      'token-platform-jwt',
      'token-oidc-jwt',
      'throughput',
    ),
  ];
}

export function printVerdicts(list: Verdict[], write: (text: string) => void): void {
  write('\nverdicts (same run; never an exit code):\n');
  for (const v of list) {
    const mark = v.pass === null ? 'n/a ' : v.pass ? 'PASS' : 'FAIL';
    write(`  ${mark}  ${v.target}\n        ${v.detail}\n`);
  }
}

/** Where the platform's CPU per call goes, from the scenarios beside it (differences, µs). */
export function printBreakdown(rows: Figures[]): void {
  const by = (id: string) => rows.find((r) => r.id === id);
  const baseline = by('baseline');
  const platform = by('platform-redis');
  if (baseline === undefined || platform === undefined) return;
  const us = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)} µs`;
  console.log('\nwhere the platform CPU per call goes (differences between scenarios of this run):');
  console.log(`  ${'node:http baseline'.padEnd(52)}${baseline.cpuUsPerCall.toFixed(1)} µs`);
  let from = baseline;
  const hono = by('hono');
  if (hono !== undefined) {
    console.log(
      `  ${'+ Hono, @hono/node-server, JSON body reader'.padEnd(52)}${us(hono.cpuUsPerCall - from.cpuUsPerCall)}`,
    );
    from = hono;
  }
  const memory = by('platform-memory');
  if (memory !== undefined) {
    console.log(
      `  ${'+ platform pipeline, memory store'.padEnd(52)}${us(memory.cpuUsPerCall - from.cpuUsPerCall)}`,
    );
    from = memory;
  }
  console.log(
    `  ${'+ Redis store in the platform process (ioredis)'.padEnd(52)}${us(platform.cpuUsPerCall - from.cpuUsPerCall)}` +
      `  and ${(platform.redisUsPerCall ?? 0).toFixed(1)} µs in redis-server`,
  );
  console.log(`  ${'= platform (tsx) on Redis'.padEnd(52)}${platform.cpuUsPerCall.toFixed(1)} µs`);
  const compiled = by('platform-redis-js');
  if (compiled !== undefined) {
    console.log(
      `  compiled JS instead of tsx: ${us(compiled.cpuUsPerCall - platform.cpuUsPerCall)} ` +
        `(${compiled.cpuUsPerCall.toFixed(1)} µs, ${compiled.rps} vs ${platform.rps} req/s)`,
    );
  }
  for (const id of ['peer-cache', 'peer-nocache']) {
    const peer = by(id);
    if (peer === undefined) continue;
    console.log(
      `  ${peer.name}: ${peer.cpuUsPerCall.toFixed(1)} µs + ${(peer.redisUsPerCall ?? 0).toFixed(1)} µs in redis-server`,
    );
  }
  console.log(
    `  throughput against the baseline: platform ×${(platform.rps / baseline.rps).toFixed(2)} ` +
      `(baseline server used ${Math.round(baseline.serverCore * 100)}% of a core${baseline.serverCore < 0.9 ? ': under-measured' : ''})`,
  );
}
