import { performance } from 'node:perf_hooks';
import { suspendApplication } from '../src/admin/kill-switch.js';
import { controlPlane } from '../test/e2e/support/control-plane.js';
import { basicAuth, PURPOSE } from '../test/e2e/support/oauth.js';
import { form, onboard, simSwapCheck, type Tokens } from '../test/e2e/support/platform-calls.js';
import { deploymentSecrets, startProcess } from '../test/e2e/support/process.js';
import { OPERATOR_ENV } from '../test/support/consent.js';
import { freePort } from '../scripts/free-port.js';
import { OwnRedis } from '../test/support/redis-server.js';

/**
 * The kill switch's time to effect across instances (docs/operations.md "Kill switch"): two Node
 * instances (src/node.ts, two OS processes) on one redis-server; instance B is called back to back
 * with a warm token while the operator's control plane (this process) suspends the application
 * through src/admin/kill-switch.ts. Per trial: the time from the start of the suspend write, and
 * from its acknowledgement, to the first refused (401) answer at B, and how many calls sent after
 * the acknowledgement B still served (the figure that must be 0).
 *
 *   npx tsx bench/kill-switch-delay.ts [--trials 20]
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const TRIALS = arg('trials', 20);
const NUMBER = '+34600000001';

type Trial = { fromWriteMs: number; fromAckMs: number; servedAfterAck: number; callsDuring: number };

async function main(): Promise<void> {
  const redis = new OwnRedis(await freePort());
  await redis.start();
  const env = {
    ...(await deploymentSecrets()),
    ...OPERATOR_ENV, // the shared pseudonym keys, among others
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'ks:',
    PUBLIC_URL: 'http://gateway.bench',
  };
  const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
  const operator = await controlPlane(env);
  const trials: Trial[] = [];
  try {
    for (let i = 0; i < TRIALS; i++) {
      // A new application per trial: no resume, no wait for the previous trial's token cut-off.
      const client = await onboard(env, { plan: 'premium' });
      const issued = await form(
        a.url,
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: `${PURPOSE} sim-swap:check` },
        basicAuth(client.clientId, client.secret),
      );
      const token = ((await issued.json()) as Tokens).access_token;
      if ((await simSwapCheck(b.url, token, NUMBER)).status !== 200) throw new Error('B does not serve');
      trials.push(await trial(b.url, token, () => suspendApplication(operator.deps, client.clientId)));
    }
  } finally {
    await operator.close();
    await Promise.all([a.stop(), b.stop()]);
    await redis.kill();
  }
  report(trials);
}

/** Calls B back to back; suspends once a few calls went through; stops at B's first 401. */
async function trial(url: string, token: string, suspend: () => Promise<void>): Promise<Trial> {
  const calls: { sentAt: number; doneAt: number; status: number }[] = [];
  const poller = (async () => {
    for (;;) {
      const sentAt = performance.now();
      const res = await simSwapCheck(url, token, NUMBER);
      await res.arrayBuffer();
      calls.push({ sentAt, doneAt: performance.now(), status: res.status });
      if (res.status === 401) return;
      if (res.status !== 200) throw new Error(`B answered ${res.status}`);
      if (calls.length > 10_000) throw new Error('B never refused the suspended application');
    }
  })();
  while (calls.length < 5) await new Promise((resolve) => setImmediate(resolve));
  const startedAt = performance.now();
  await suspend();
  const write = { startedAt, ackAt: performance.now() };
  await poller;
  const refused = calls.at(-1) as (typeof calls)[number];
  const after = calls.filter((c) => c.sentAt >= write.ackAt);
  return {
    fromWriteMs: refused.doneAt - write.startedAt,
    fromAckMs: refused.doneAt - write.ackAt,
    servedAfterAck: after.filter((c) => c.status === 200).length,
    callsDuring: calls.filter((c) => c.doneAt >= startedAt).length,
  };
}

function report(trials: Trial[]): void {
  const stats = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const median =
      sorted.length % 2
        ? sorted[(sorted.length - 1) / 2]
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    return `median ${median!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`;
  };
  console.log(`kill switch, two instances on one redis-server, ${trials.length} trials`);
  console.log(
    `  suspend write started -> first 401 at the other instance: ${stats(trials.map((t) => t.fromWriteMs))}`,
  );
  console.log(
    `  suspend write acknowledged -> first 401 there:             ${stats(trials.map((t) => t.fromAckMs))}`,
  );
  console.log(
    `  calls sent after the acknowledgement and still served:     ${trials.reduce((n, t) => n + t.servedAfterAck, 0)}`,
  );
  console.log(
    `  calls answered at the other instance during the write:     ${stats(trials.map((t) => t.callsDuring)).replaceAll(' ms', '')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
