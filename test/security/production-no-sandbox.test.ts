import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps, seedSandbox } from '../../src/bootstrap.js';
import { ManualClock } from '../../src/clock.js';
import { ConfigError, parseConfig, type Config } from '../../src/config.js';
import { DEFAULT_PURPOSES } from '../../src/consent/purposes.js';
import { silentLogger } from '../../src/log.js';
import { SANDBOX_APPLICATIONS, servesSandbox } from '../../src/sandbox-seed.js';
import { MemoryStore } from '../../src/store/memory.js';
import { OPERATOR_APP } from '../support/demo-client.js';

/**
 * F7, belt and braces: config.ts refuses the sandbox backend in production; were a production
 * configuration ever built with it anyway, the app still mounts no /sandbox/* route and the demo
 * applications are never seeded.
 */

async function productionConfig(): Promise<Config> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return parseConfig({
    NODE_ENV: 'production',
    SIGNING_KEYS: JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] }),
    TOKEN_SECRET: 'q'.repeat(43),
    PUBLIC_URL: 'https://api.operator.example',
    PSEUDONYM_KEYS: `k1:${'p'.repeat(43)}`,
    PURPOSE_REGISTRY: JSON.stringify(DEFAULT_PURPOSES),
    NETWORK_BACKEND: 'http',
    NETWORK_HTTP_URL: 'https://bss.operator.example',
    NETWORK_HTTP_TOKEN: 't',
  });
}

async function platform(config: Config) {
  const clock = new ManualClock();
  const deps = await buildDeps(config, { store: new MemoryStore(clock), clock, logger: silentLogger });
  return { deps, app: createApp(deps) };
}

describe('production never serves the sandbox', () => {
  it.each([
    ['the operator BSS backend', 'http'],
    ['the sandbox backend, had it slipped through', 'sandbox'],
  ] as const)('with %s: GET /sandbox/consent-notifications is 404', async (_label, backend) => {
    const config = { ...(await productionConfig()), networkBackend: backend };
    expect(servesSandbox(config)).toBe(false);
    const { app } = await platform(config);
    const res = await app.request('/sandbox/consent-notifications');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'The specified resource is not found.',
    });
  });

  it('refuses to seed the demo applications', async () => {
    const { deps } = await platform({ ...(await productionConfig()), networkBackend: 'sandbox' });
    await deps.applications.put(OPERATOR_APP); // a registry that exists, so a miss is a plain miss
    await expect(seedSandbox(deps)).rejects.toThrow(ConfigError);
    for (const demo of SANDBOX_APPLICATIONS) expect(await deps.applications.get(demo.clientId)).toBeNull();
  });

  it('serves the sandbox outside production on the sandbox backend only', async () => {
    const production = await productionConfig();
    expect(servesSandbox({ env: 'development', networkBackend: 'sandbox' })).toBe(true);
    expect(servesSandbox({ env: 'test', networkBackend: 'sandbox' })).toBe(true);
    expect(servesSandbox({ env: 'development', networkBackend: 'http' })).toBe(false);
    const { app } = await platform({ ...production, env: 'development', networkBackend: 'sandbox' });
    expect((await app.request('/sandbox/consent-notifications')).status).toBe(200);
  });
});
