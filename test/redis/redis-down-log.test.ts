import { serve } from '@hono/node-server';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import { RedisStore } from '../../src/store/redis.js';
import { demoToken } from '../support/demo-client.js';
import { capturingLogger, type LogLine } from '../support/log-lines.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';

const UNAVAILABLE = { status: 503, code: 'UNAVAILABLE', message: 'Service temporarily unavailable.' };
const OUTAGE_MESSAGES = [
  'store unavailable',
  'store still unavailable',
  'store available again',
  'request failed',
];

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A SIM Swap check that names its own correlator, so that the log can be matched to it. */
function check(base: string, accessToken: string, correlator: string): Promise<Response> {
  return fetch(`${base}/sim-swap/v2/check`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      'x-correlator': correlator,
    },
    body: JSON.stringify({ phoneNumber: '+34600000001' }),
    signal: AbortSignal.timeout(10_000),
  });
}

/** The outage lines (and any per-call failure line) without their time. */
const outageLines = (lines: LogLine[]) =>
  lines.filter((l) => OUTAGE_MESSAGES.includes(l.msg)).map(({ time: _time, ...rest }) => rest);

describe('Redis down: the outage is logged when it begins and when it ends, not per refused call', () => {
  it('refuses 50 calls with 503 and logs one error line, then one info line once Redis is back', async () => {
    await mkdir(path.join(process.cwd(), '.tmp'), { recursive: true });
    const dir = await mkdtemp(path.join(process.cwd(), '.tmp', 'redis-outage-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Persistence: the applications survive the restart, so the first call back is served.
    const redis = new OwnRedis(await freePort(), { persistence: { dir } });
    await redis.start();
    cleanups.push(() => redis.kill());

    const store = new RedisStore({ url: redis.url, keyPrefix: 'cg:', commandTimeoutMs: 10_000 });
    await store.connect();
    const clock = new ManualClock();
    const { logger, lines } = capturingLogger('info');
    const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test' });
    const deps = await buildDeps(config, { store, clock, logger });
    await seedSandbox(deps);
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(s as Server),
      );
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      server.close();
      await store.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const accessToken = await demoToken(base);
    expect((await check(base, accessToken, 'before')).status).toBe(200);

    await redis.shutdown(); // as an operator restarts it
    for (let i = 0; i < 50; i++) {
      const res = await check(base, accessToken, `down-${i}`);
      expect([
        res.status,
        res.headers.get('Retry-After'),
        res.headers.get('x-correlator'),
        await res.json(),
      ]).toEqual([503, '1', `down-${i}`, UNAVAILABLE]);
    }
    expect(outageLines(lines)).toEqual([
      {
        level: 'error',
        msg: 'store unavailable',
        correlator: 'down-0',
        method: 'POST',
        path: '/sim-swap/v2/check',
        error: expect.stringMatching(/^store unavailable: /),
      },
    ]);

    clock.advance(5_000); // the outage's length as the platform's clock measures it
    await redis.start();
    // Refused until the client has reconnected (bounded): then served, and the outage is over.
    let back: Response | undefined;
    let refusedAfterRestart = 0;
    for (let i = 0; i < 200 && back === undefined; i++) {
      const res = await check(base, accessToken, `back-${i}`);
      if (res.status === 200) back = res;
      else {
        expect(res.status).toBe(503);
        refusedAfterRestart++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(back?.status).toBe(200);
    expect(outageLines(lines)).toEqual([
      expect.objectContaining({ level: 'error', msg: 'store unavailable', correlator: 'down-0' }),
      { level: 'info', msg: 'store available again', downMs: 5_000, refused: 50 + refusedAfterRestart },
    ]);
    expect(deps.storeOutage.active).toBe(false);
  });
});
