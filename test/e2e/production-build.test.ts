import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, type Build } from './support/build.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, uniquePrefix } from './support/server.js';

/**
 * The production build: `npm run build` compiles src/ and apis/ (with the sandbox dataset they
 * import) to JavaScript that `node` runs without tsx, as `npm run start:prod` does.
 */

const DEMO_BASIC = `Basic ${btoa('demo-app:demo-secret-not-for-production')}`;

let build: Build | undefined;
let running: PlatformProcess | undefined;

beforeAll(async () => {
  build = await buildOnce();
  running = await startProcess(
    { ...(await deploymentSecrets()), REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: uniquePrefix() },
    { entry: build.entry },
  );
}, 180_000);
afterAll(async () => {
  await running?.stop();
  await build?.remove();
});

describe('production build (node dist/src/node.js, no tsx)', () => {
  it('holds the compiled entry and the sandbox dataset it imports', () => {
    const root = path.dirname(path.dirname(build?.entry ?? ''));
    expect(
      ['src/node.js', 'apis/index.js', 'sandbox/subscribers.json', 'sandbox/applications.json'].map((f) => [
        f,
        existsSync(path.join(root, f)),
      ]),
    ).toEqual([
      ['src/node.js', true],
      ['apis/index.js', true],
      ['sandbox/subscribers.json', true],
      ['sandbox/applications.json', true],
    ]);
  });

  it('is live and ready on Redis, issues a token and answers a SIM Swap check', async () => {
    const p = running as PlatformProcess;
    const health = await fetch(`${p.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${p.url}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);

    const token = await fetch(`${p.url}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: DEMO_BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=dpv%3AFraudPreventionAndDetection%20sim-swap%3Acheck',
    });
    const issued = (await token.json()) as { access_token: string; token_type: string };
    expect([token.status, issued.token_type]).toEqual([200, 'Bearer']);

    const check = await fetch(`${p.url}/sim-swap/v2/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '+34600000001', maxAge: 240 }),
    });
    expect([check.status, await check.json()]).toEqual([200, { swapped: true }]);
  });
});
