import autocannon from 'autocannon';
import type { StreamSpec } from './clients.js';

/** One answer (or failure) as the load generator saw it: when it came back, and how long it took. */
export type Sample = {
  stream: string;
  /** ms since the epoch when the answer arrived. */
  at: number;
  /** ms from sending to the answer. */
  latency: number;
  /** HTTP status, or 0 for a connection error or a client-side timeout. */
  status: number;
};

export type StreamLoad = { spec: StreamSpec; connections: number; rate?: number | undefined };

/**
 * Runs every stream at once for `seconds` against `base` (autocannon, one instance per stream,
 * each rate-capped when `rate` is set), handing every answer with its time to `onSample`. A request that gets no
 * answer within `timeoutSeconds` is a sample of status 0, the hang a fault must never cause.
 */
export async function runStreams(
  base: string,
  streams: readonly StreamLoad[],
  seconds: number,
  onSample: (sample: Sample) => void,
  timeoutSeconds = 10,
): Promise<void> {
  await Promise.all(
    streams.map(
      ({ spec, connections, rate }) =>
        new Promise<void>((resolve, reject) => {
          const instance = autocannon(
            {
              url: `${base}/sim-swap/v2/check`,
              method: 'POST',
              headers: spec.headers,
              body: spec.body,
              connections,
              duration: seconds,
              timeout: timeoutSeconds,
              ...(rate === undefined ? {} : { overallRate: rate }),
            },
            (error: unknown) => {
              if (error) reject(error instanceof Error ? error : new Error(String(error)));
              else resolve();
            },
          );
          instance.on('response', (_client, status: number, _bytes: number, latency: number) => {
            onSample({ stream: spec.name, at: Date.now(), latency, status });
          });
          instance.on('reqError', () => {
            onSample({ stream: spec.name, at: Date.now(), latency: Number.NaN, status: 0 });
          });
        }),
    ),
  );
}

/** Counts per status, as `{ "200": n, "503": m }`. */
export function countByStatus(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) counts[String(s.status)] = (counts[String(s.status)] ?? 0) + 1;
  return counts;
}
