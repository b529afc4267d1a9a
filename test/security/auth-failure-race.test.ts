import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, PURPOSE } from '../e2e/support/oauth.js';
import { startServer, type E2EServer } from '../e2e/support/server.js';
import { RunningClock } from '../support/running-clock.js';

/**
 * Red-team finding F3, replayed over a real socket: 300 concurrent wrong secrets from one address
 * got 286 answers of 401 against a failure limit of 20, because the counter was read before the
 * check and moved after it. Each attempt now reserves its failure atomically before the check.
 */
const SCOPE = `${PURPOSE} sim-swap:check`;
const CONCURRENT = 300;
const LIMIT = 20;
const WINDOW_MS = 15 * 60_000;

describe.each(['memory', 'redis'] as const)('concurrent wrong secrets from one address (%s)', (engine) => {
  let s: E2EServer;
  const token = (secret: string) =>
    fetch(`${s.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(s.client.clientId, secret),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
    });

  beforeAll(async () => {
    // The whole replay in one 15-minute failure window: the server's clock starts a second into one.
    const clock = new RunningClock();
    clock.advance(WINDOW_MS + 1000 - (Date.now() % WINDOW_MS));
    s = await startServer({ engine, clock, env: { OAUTH_AUTH_FAILURES_PER_IP: String(LIMIT) } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`answers exactly ${LIMIT} of ${CONCURRENT} with 401 and the rest with 429`, async () => {
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, async (_, i) => {
        const res = await token(`wrong-${i}`);
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      }),
    );
    const count = (status: number, error: string) =>
      answers.filter((a) => a.status === status && a.error === error).length;
    expect(count(401, 'invalid_client')).toBe(LIMIT);
    expect(count(429, 'too_many_requests')).toBe(CONCURRENT - LIMIT);
    // The budget is spent: the right secret from this address waits for the window too.
    const after = await token(s.client.secret);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(800);
  });
});

/**
 * The reservation spans the credential check, not the upload: a body still arriving holds no slot
 * of the failure budget, so more legitimate requests than the budget may be on their way at once
 * from one address (clients behind one NAT, a fleet starting together).
 */
describe.each(['memory', 'redis'] as const)('bodies still uploading from one address (%s)', (engine) => {
  let s: E2EServer;
  beforeAll(async () => {
    s = await startServer({ engine, env: { OAUTH_AUTH_FAILURES_PER_IP: String(LIMIT) } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`hold no slot of the failure budget: ${LIMIT + 10} held-back token requests all succeed`, async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString();
    const { port } = new URL(s.url);
    const pending = Array.from({ length: LIMIT + 10 }, () => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth2/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          authorization: basicAuth(s.client.clientId, s.client.secret),
        },
      });
      const status = new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      req.write(body.slice(0, 10)); // the rest follows once every request is on its way
      return { req, status };
    });
    await new Promise((r) => setTimeout(r, 200));
    // One body after another: only the upload overlaps, never the checks.
    const statuses: number[] = [];
    for (const p of pending) {
      p.req.end(body.slice(10));
      statuses.push(await p.status);
    }
    expect(statuses).toEqual(Array(LIMIT + 10).fill(200));
  });
});
