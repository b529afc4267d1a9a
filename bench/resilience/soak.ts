import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startServer } from '../servers.js';
import { prepareStreams, type StreamSpec } from './clients.js';
import { removeDir, startRedis } from './redis.js';
import { rssMiB } from './rss.js';
import { countByStatus, runStreams, type Sample } from './stream.js';

/**
 * `npm run soak -- --minutes 10`: one platform instance on Redis, its capacity measured by a 10 s
 * run at full speed, then loaded at half of it for N minutes. Prints errors (expected none),
 * requests per second and the server's RSS at the start, middle and end; fails on any answer
 * other than 200 or on RSS growing more than RSS_GROWTH_BOUND from the middle to the end (a leak
 * grows steadily; warm-up growth happens before the middle).
 */
const RSS_GROWTH_BOUND = 0.5;
const CAPACITY_SECONDS = 10;
/** RSS is read between segments; the load restarts at once after each read. */
const SEGMENT_SECONDS = 30;
const CONNECTIONS = 10;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
  const dir = `.tmp/soak-${randomBytes(4).toString('hex')}`;
  const redis = await startRedis(dir);
  const secret = randomBytes(32).toString('base64url');
  const server = await startServer('bench/resilience/platform.ts', {
    REDIS_URL: redis.url,
    FAULT_CLIENT_SECRET: secret,
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    // Access tokens live 10 minutes: each segment loads with a fresh one.
    const servedStream = async () => (await prepareStreams(base, secret))[0] as StreamSpec;
    const served = await servedStream();

    const capacity = await measure(base, served, CAPACITY_SECONDS);
    const rate = Math.max(1, Math.floor(capacity.rps / 2));
    console.log(
      `capacity: ${capacity.rps.toFixed(0)} req/s (${CAPACITY_SECONDS} s, ${CONNECTIONS} connections)`,
    );
    console.log(`soak: ${minutes} min at ${rate} req/s`);

    const segments = Math.max(1, Math.round((minutes * 60) / SEGMENT_SECONDS));
    const middle = Math.floor(segments / 2);
    const rss: { start: number; middle: number; end: number } = { start: 0, middle: 0, end: 0 };
    rss.start = await rssMiB(server.pid);
    let total = 0;
    let errors = 0;
    let seconds = 0;
    const statuses: Record<string, number> = {};
    for (let i = 0; i < segments; i++) {
      if (i === middle) rss.middle = await rssMiB(server.pid);
      const started = Date.now();
      const segment = await measure(base, await servedStream(), SEGMENT_SECONDS, rate);
      seconds += (Date.now() - started) / 1000;
      total += segment.count;
      for (const [status, n] of Object.entries(segment.statuses))
        statuses[status] = (statuses[status] ?? 0) + n;
      errors += segment.count - (segment.statuses['200'] ?? 0);
      const rssNow = await rssMiB(server.pid);
      console.log(
        `  ${String(((i + 1) * SEGMENT_SECONDS) / 60).padStart(5)} min  ${segment.rps.toFixed(0).padStart(6)} req/s  ` +
          `errors ${segment.count - (segment.statuses['200'] ?? 0)}  rss ${rssNow} MiB`,
      );
    }
    rss.end = await rssMiB(server.pid);
    if (segments === 1) rss.middle = rss.start;
    const growth = (rss.end - rss.middle) / rss.middle;
    console.log('');
    console.log(
      '| capacity req/s | soak req/s | minutes | requests | errors | RSS start | RSS middle | RSS end |',
    );
    console.log(
      '| -------------- | ---------- | ------- | -------- | ------ | --------- | ---------- | ------- |',
    );
    console.log(
      `| ${capacity.rps.toFixed(0)} | ${(total / seconds).toFixed(0)} | ${minutes} | ${total} | ${errors} | ` +
        `${rss.start} MiB | ${rss.middle} MiB | ${rss.end} MiB |`,
    );
    console.log(`statuses: ${JSON.stringify(statuses)}`);
    const problems: string[] = [];
    if (errors > 0) problems.push(`${errors} answers other than 200`);
    if (growth > RSS_GROWTH_BOUND) {
      problems.push(
        `RSS grew ${(growth * 100).toFixed(0)}% from middle to end (bound ${RSS_GROWTH_BOUND * 100}%)`,
      );
    }
    console.log(problems.length === 0 ? 'soak: PASS' : `soak: FAIL: ${problems.join('; ')}`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await server.stop();
    await redis.shutdown();
    await removeDir(dir);
  }
}

/** One run of the served stream: answers per status and the mean rate. */
async function measure(
  base: string,
  served: StreamSpec,
  seconds: number,
  rate?: number,
): Promise<{ rps: number; count: number; statuses: Record<string, number> }> {
  const samples: Sample[] = [];
  const started = Date.now();
  await runStreams(base, [{ spec: served, connections: CONNECTIONS, rate }], seconds, (s) => {
    samples.push(s);
  });
  const elapsed = (Date.now() - started) / 1000;
  return { rps: samples.length / elapsed, count: samples.length, statuses: countByStatus(samples) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
