import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES } from '../../src/consent/purposes.js';
import { deploymentSecrets } from '../e2e/support/process.js';
import { startWorker, type WorkerProcess } from '../support/worker-process.js';

/**
 * The Worker reads its configuration from vars and secrets through parseConfig. In production a
 * Worker without its secrets must not serve on ephemeral keys: it refuses every request with a
 * CAMARA 503 and logs what is missing, for the operator only.
 */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://api.operator.example',
  NETWORK_BACKEND: 'http',
  NETWORK_HTTP_URL: 'https://bss.operator.example',
  NETWORK_HTTP_TOKEN: 'bss-token',
  PURPOSE_REGISTRY: JSON.stringify(DEFAULT_PURPOSES),
};

const UNCONFIGURED = {
  status: 503,
  code: 'UNAVAILABLE',
  message: 'The service is not available: its configuration is incomplete or invalid.',
};

describe('a production Worker without its secrets', () => {
  let worker: WorkerProcess;
  beforeAll(async () => {
    worker = await startWorker(PRODUCTION);
  });
  afterAll(async () => worker?.stop());

  it.each([
    ['GET', '/health'],
    ['GET', '/.well-known/openid-configuration'],
    ['POST', '/oauth2/token'],
    ['POST', '/sim-swap/v2/check'],
  ])('%s %s → 503 UNAVAILABLE with Retry-After', async (method, path) => {
    const res = await fetch(`${worker.url}${path}`, { method, headers: { 'x-correlator': 'ops-42' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('300');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-correlator')).toBe('ops-42');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.json()).toEqual(UNCONFIGURED);
  });

  it('answers an x-correlator that breaks the pattern, or none, with a new one', async () => {
    for (const headers of [{ 'x-correlator': 'bad correlator' }, {}]) {
      const res = await fetch(`${worker.url}/health`, { headers: headers as Record<string, string> });
      expect(res.status).toBe(503);
      expect(res.headers.get('x-correlator')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('logs every missing secret for the operator, once per isolate', async () => {
    const out = await worker.outputWith('PSEUDONYM_KEYS: required in production');
    expect(out).toContain('Invalid configuration:');
    expect(out).toContain('SIGNING_KEYS: required in production');
    expect(out).toContain('TOKEN_SECRET: required in production');
    expect(out).toContain('PSEUDONYM_KEYS: required in production');
    expect(out.split('Invalid configuration:')).toHaveLength(2);
  });
});

describe('a production Worker with its secrets', () => {
  let worker: WorkerProcess;
  beforeAll(async () => {
    worker = await startWorker({
      ...PRODUCTION,
      ...(await deploymentSecrets()),
      PSEUDONYM_KEYS: `k1:${'p'.repeat(43)}`,
    });
  });
  afterAll(async () => worker?.stop());

  it('serves, with the configured issuer and keys, and no sandbox', async () => {
    const health = await fetch(`${worker.url}/health`);
    expect(health.status).toBe(200);
    const discovery = await fetch(`${worker.url}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe('https://api.operator.example');
    const jwks = (await (await fetch(`${worker.url}/oauth2/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(['e2e-1']);
    expect((await fetch(`${worker.url}/sandbox/consent-notifications`)).status).toBe(404);
    expect(worker.output()).not.toContain('EPHEMERAL');
  });
});

describe('a Worker configured for a Redis Cluster', () => {
  let worker: WorkerProcess;
  beforeAll(async () => {
    worker = await startWorker({
      NODE_ENV: 'development',
      ...(await deploymentSecrets()),
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001',
    });
  });
  afterAll(async () => worker?.stop());

  // It opens REDIS_URL only: serving on its memory instead would keep limits and consent per isolate.
  it('refuses every request with 503 UNAVAILABLE and says why in its log', async () => {
    const res = await fetch(`${worker.url}/sim-swap/v2/check`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(UNCONFIGURED);
    const out = await worker.outputWith('REDIS_CLUSTER_NODES: not supported on Workers');
    expect(out).toContain('Invalid configuration:');
  });
});
