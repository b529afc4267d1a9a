import autocannon from 'autocannon';

export type LoadOptions = {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** When set, a new body for every request (e.g. a fresh client assertion), else `body`. */
  makeBody?: (() => string) | undefined;
  connections: number;
  durationSeconds: number;
};

export type LoadResult = {
  requests: number;
  /** Mean requests per second over the run (autocannon's per-second samples). */
  rps: number;
  /** Latency of 2xx responses in milliseconds, from every response's own timing. */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
};

/**
 * One autocannon run (programmatic API). Latency percentiles are computed from each response's
 * own timing (fractional ms): autocannon's histogram keeps whole milliseconds, too coarse for
 * sub-millisecond answers.
 */
export function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        ...(options.makeBody === undefined
          ? {}
          : {
              requests: [
                {
                  setupRequest: (request: autocannon.Request) => ({ ...request, body: options.makeBody?.() }),
                },
              ],
            }),
        connections: options.connections,
        duration: options.durationSeconds,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        latencies.sort((a, b) => a - b);
        const statusCodes: Record<string, number> = {};
        for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = stat.count ?? 0;
        }
        resolve({
          requests: result.requests.total,
          rps: result.requests.average,
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}
