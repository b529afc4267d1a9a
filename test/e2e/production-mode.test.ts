import { afterEach, describe, expect, it } from 'vitest';
import { deploymentSecrets, runToExit, startProcess, type PlatformProcess } from './support/process.js';
import { ApplicationRegistry } from '../../src/admin/applications.js';
import { OPERATOR_APP } from '../support/demo-client.js';
import { systemClock } from '../../src/clock.js';
import { DEFAULT_PURPOSES } from '../../src/consent/purposes.js';
import { SANDBOX_APPLICATIONS } from '../../src/sandbox-seed.js';
import { testPrefix, testRedisStore, testRedisUrl } from '../support/redis.js';

/**
 * Red-team finding F7: `NODE_ENV=production` with every key set and NETWORK_BACKEND unset started
 * on the sandbox backend, printed and accepted the published demo credentials, and served
 * GET /sandbox/consent-notifications (every pending consent link) without authentication.
 * Replayed against the Node entry (src/node.ts) in its own process.
 */

const DEMO = SANDBOX_APPLICATIONS.find((a) => a.clientSecret !== undefined);

async function productionEnv(): Promise<Record<string, string>> {
  return {
    ...(await deploymentSecrets()),
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://api.operator.example',
    PSEUDONYM_KEYS: `k1:${'p'.repeat(43)}`,
    PURPOSE_REGISTRY: JSON.stringify(DEFAULT_PURPOSES),
  };
}

let running: PlatformProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('production mode never serves the sandbox (Node entry)', () => {
  it('has a demo application with a published secret to replay', () => {
    expect(DEMO?.clientSecret).toBeTypeOf('string');
  });

  it('refuses to start with NETWORK_BACKEND unset: exit 78, names the variable, prints no demo credentials', async () => {
    const { code, output } = await runToExit(await productionEnv());
    expect(code).toBe(78);
    expect(output).toContain(
      'NETWORK_BACKEND: must be set to http in production (the sandbox backend serves published demo credentials)',
    );
    expect(output).not.toContain(DEMO?.clientId as string);
    expect(output).not.toContain(DEMO?.clientSecret as string);
    expect(output).not.toContain('listening');
  });

  it('refuses NETWORK_BACKEND=sandbox in production the same way', async () => {
    const { code, output } = await runToExit({ ...(await productionEnv()), NETWORK_BACKEND: 'sandbox' });
    expect(code).toBe(78);
    expect(output).toContain('NETWORK_BACKEND: must be set to http in production');
    expect(output).not.toContain(DEMO?.clientSecret as string);
  });

  // Outside review 2, finding R2-2: with every key set and the operator BSS backend, production
  // started on the sandbox purpose registry (its legal bases: contract for KYC Match and for the
  // device's number in clear, legitimate interest for every KYC attribute), with a warning only.
  it('refuses to start without PURPOSE_REGISTRY: exit 78, names the variable, never listens', async () => {
    const env: Record<string, string> = {
      ...(await productionEnv()),
      NETWORK_BACKEND: 'http',
      NETWORK_HTTP_URL: 'https://127.0.0.1:9/camara',
      NETWORK_HTTP_TOKEN: 'bss-credential',
    };
    delete env.PURPOSE_REGISTRY;
    const { code, output } = await runToExit(env);
    expect(code).toBe(78);
    expect(output).toContain(
      "PURPOSE_REGISTRY: required in production (the operator's purposes and legal bases; on Node PURPOSE_REGISTRY_FILE); the sandbox registry is for development",
    );
    expect(output).not.toContain('listening');
  });

  // Finding R2-3: production served on an http PUBLIC_URL, its issuer and audience, with the
  // consent page's and the authorization endpoint's cookies without `Secure` and no HSTS.
  it('refuses to start with an http PUBLIC_URL: exit 78, names the variable, never listens', async () => {
    const { code, output } = await runToExit({
      ...(await productionEnv()),
      PUBLIC_URL: 'http://api.operator.example',
      NETWORK_BACKEND: 'http',
      NETWORK_HTTP_URL: 'https://127.0.0.1:9/camara',
      NETWORK_HTTP_TOKEN: 'bss-credential',
    });
    expect(code).toBe(78);
    expect(output).toContain('PUBLIC_URL: must be https:// in production');
    expect(output).not.toContain('listening');
  });

  it('on the operator BSS backend: no /sandbox/* route, and the demo credentials are refused', async () => {
    // A production registry holding one onboarded application (an empty one answers 503 to
    // everyone: README "Redis"), so the demo client is what it must be: an unknown client.
    const prefix = testPrefix('production-mode');
    const store = await testRedisStore(prefix);
    await new ApplicationRegistry(store, systemClock).put(OPERATOR_APP);
    await store.close();
    running = await startProcess({
      ...(await productionEnv()),
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      NETWORK_BACKEND: 'http',
      // Neither request below reaches the BSS: an address where nothing listens is enough.
      NETWORK_HTTP_URL: 'https://127.0.0.1:9/camara',
      NETWORK_HTTP_TOKEN: 'bss-credential',
    });
    expect(running.output()).not.toContain(DEMO?.clientSecret as string);

    const outbox = await fetch(`${running.url}/sandbox/consent-notifications`);
    expect(outbox.status).toBe(404);
    expect(outbox.headers.get('content-type')).toBe('application/json');
    expect(await outbox.json()).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'The specified resource is not found.',
    });

    const token = await fetch(`${running.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${DEMO?.clientId}:${DEMO?.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(`${DEMO?.purposes[0]} sim-swap:check`)}`,
    });
    expect(token.status).toBe(401);
    expect(await token.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });
});
