import type { StreamSpec } from './clients.js';
import type { Sample } from './stream.js';

/** When the fault began, and when Redis was back (restarted, thawed, the cluster ok again). */
export type Timeline = { faultAt: number; healedAt: number };

export type StreamCounts = { name: string; expected: number; counts: Record<string, number> };

export type FaultResult = {
  name: string;
  streams: StreamCounts[];
  /** 500s, and requests left without an answer (connection error or 10 s client timeout). */
  internalErrors: number;
  unanswered: number;
  /** Answers other than the stream's own, 503 or the above. */
  otherStatuses: number;
  /** 200s for calls a limit or a consent check must refuse. */
  wronglyServed: number;
  /** The longest wait of a request sent while Redis was failing, ms. */
  maxLatencyInFaultMs: number;
  /** From Redis back to the first 200 of a served call sent after it, ms (NaN: none). */
  recoveryMs: number;
  /** From Redis back to the last 503 of the served stream, ms (0: none after it). */
  last503AfterMs: number;
};

export function summarise(
  name: string,
  specs: readonly StreamSpec[],
  samples: readonly Sample[],
  { faultAt, healedAt }: Timeline,
): FaultResult {
  const streams: StreamCounts[] = specs.map((spec) => ({
    name: spec.name,
    expected: spec.expected,
    counts: {},
  }));
  let internalErrors = 0;
  let unanswered = 0;
  let otherStatuses = 0;
  let wronglyServed = 0;
  let maxLatencyInFaultMs = 0;
  let recoveryAt = Number.NaN;
  let last503At = healedAt;
  for (const s of samples) {
    const stream = streams.find((x) => x.name === s.stream);
    if (stream === undefined) continue;
    const key = s.status === stream.expected || s.status === 503 ? String(s.status) : 'other';
    stream.counts[key] = (stream.counts[key] ?? 0) + 1;
    if (s.status === 500) internalErrors++;
    else if (s.status === 0) unanswered++;
    else if (key === 'other') otherStatuses++;
    if (s.status === 200 && stream.expected !== 200) wronglyServed++;
    const sentAt = s.at - s.latency;
    if (s.status !== 0 && sentAt >= faultAt && sentAt <= healedAt) {
      maxLatencyInFaultMs = Math.max(maxLatencyInFaultMs, s.latency);
    }
    if (stream.expected === 200 && s.status === 200 && sentAt >= healedAt && !(s.at >= recoveryAt)) {
      recoveryAt = s.at;
    }
    if (stream.expected === 200 && s.status === 503 && s.at > last503At) last503At = s.at;
  }
  return {
    name,
    streams,
    internalErrors,
    unanswered,
    otherStatuses,
    wronglyServed,
    maxLatencyInFaultMs: Math.round(maxLatencyInFaultMs),
    recoveryMs: recoveryAt - healedAt,
    last503AfterMs: last503At - healedAt,
  };
}

/** Prints the summary table (Markdown); returns whether any fault failed. */
export function printTable(results: readonly FaultResult[]): boolean {
  const cell = (c: StreamCounts) =>
    `${c.counts[String(c.expected)] ?? 0} / ${c.counts['503'] ?? 0} / ${c.counts.other ?? 0}`;
  console.log('');
  console.log(
    '| fault | served 200/503/other | opted-out 403/503/other | over-quota 429/503/other | 500 | unanswered | ' +
      'wrongly served | max latency in fault | recovery (first 200) | last 503 after back | verdict |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let failed = false;
  for (const r of results) {
    const bad =
      r.internalErrors > 0 ||
      r.unanswered > 0 ||
      r.wronglyServed > 0 ||
      r.otherStatuses > 0 ||
      Number.isNaN(r.recoveryMs);
    failed ||= bad;
    const [served, optedOut, overQuota] = r.streams;
    console.log(
      `| ${r.name} | ${served ? cell(served) : '-'} | ${optedOut ? cell(optedOut) : '-'} | ` +
        `${overQuota ? cell(overQuota) : '-'} | ${r.internalErrors} | ${r.unanswered} | ${r.wronglyServed} | ` +
        `${r.maxLatencyInFaultMs} ms | ${Number.isNaN(r.recoveryMs) ? 'never' : `${r.recoveryMs} ms`} | ` +
        `${r.last503AfterMs} ms | ${bad ? 'FAIL' : 'pass'} |`,
    );
  }
  console.log('');
  console.log(
    failed
      ? 'faults: FAIL'
      : 'faults: PASS (no 500, no hang, nothing served unchecked, every fault recovered)',
  );
  return failed;
}
