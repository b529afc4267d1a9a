import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import type { Env } from '../../src/http/env.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/port.js';
import type { IssueInput } from '../../src/auth/tokens.js';

export const DEMO = { clientId: 'demo-app', secret: 'demo-secret-not-for-production' } as const;
export const PURPOSE = 'dpv:FraudPreventionAndDetection';

export type TestPlatform = {
  app: Hono<Env>;
  deps: Deps;
  clock: ManualClock;
  /** Mints an access token directly (the flows themselves are tested in test/e2e and test/api/auth). */
  token(input?: Partial<IssueInput>): Promise<string>;
};

/** A platform on the memory engine (or a given store) with a manual clock and the sandbox data. */
export async function testPlatform(
  options: { env?: Record<string, string>; store?: Store; logger?: Logger; clock?: ManualClock } = {},
): Promise<TestPlatform> {
  const clock = options.clock ?? new ManualClock();
  const config = parseConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://gateway.test', ...options.env });
  const deps = await buildDeps(config, {
    store: options.store ?? new MemoryStore(clock),
    clock,
    logger: options.logger ?? silentLogger,
  });
  await seedSandbox(deps);
  const app = createApp(deps);
  const token = async (input: Partial<IssueInput> = {}) =>
    (
      await deps.tokens.issue({
        clientId: DEMO.clientId,
        scopes: ['sim-swap:check', 'sim-swap:retrieve-date'],
        purpose: PURPOSE,
        ...input,
      })
    ).token;
  return { app, deps, clock, token };
}

/** A JSON POST as the CAMARA test plans send it (Content-Type, Authorization, x-correlator). */
export function post(
  app: Hono<Env>,
  path: string,
  body: unknown,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-correlator': 'b4333c46-49c0-4f62-80d7-f0ef930f1c46',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** Asserts a CAMARA error: status, body {status, code, message} and the x-correlator echo. */
export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { status: number; code: string; message: string };
  return body;
}
