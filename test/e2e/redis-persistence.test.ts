import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_ENV } from '../support/consent.js';
import { freePort } from '../../scripts/free-port.js';
import { OwnRedis } from '../support/redis-server.js';
import { assertionParams, clientAssertion, PURPOSE } from './support/oauth.js';
import {
  cibaTokens,
  consentedTokens,
  onboard,
  refresh,
  simSwapCheck,
  type Tokens,
} from './support/platform-calls.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { uniquePrefix } from './support/server.js';

/**
 * docs/operations.md asks production for Redis with AOF (`appendonly yes`, `appendfsync
 * everysec`): then consents, refresh tokens and application records outlive a restart of Redis
 * and of the platform. Shown on a redis-server of this test's own, on a directory of its own.
 */

const NUMBER = '+34600000009';
const PUBLIC_URL = 'http://gateway.test';

let dir: string | undefined;
let redis: OwnRedis | undefined;
let running: PlatformProcess | undefined;
afterAll(async () => {
  await running?.stop();
  await redis?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('Redis with AOF: state survives a restart of Redis and of the platform', () => {
  it('honours the consent, the refresh token and the application written before the restarts', async () => {
    dir = await mkdtemp(path.join(process.cwd(), '.tmp', 'redis-aof-'));
    redis = new OwnRedis(await freePort(), { persistence: { dir } });
    await redis.start();
    const env = {
      ...(await deploymentSecrets()),
      ...OPERATOR_ENV,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniquePrefix(),
      PUBLIC_URL,
    };

    // Written through the platform: an onboarded application, a consent, a refresh-token family.
    running = await startProcess(env);
    const client = await onboard(env);
    const tokens = await consentedTokens(running.url, NUMBER);
    expect((await simSwapCheck(running.url, tokens.access_token)).status).toBe(200);

    // Both restart: the platform stops, Redis shuts down and starts again on the same directory.
    await running.stop();
    await redis.shutdown();
    await redis.start();
    running = await startProcess(env);
    const url = running.url;

    // The refresh token still rotates, and its new access token passes the legal-basis check.
    const rotated = await refresh(url, tokens.refresh_token as string);
    const next = (await rotated.json()) as Tokens;
    expect([rotated.status, typeof next.refresh_token]).toEqual([200, 'string']);
    const check = await simSwapCheck(url, next.access_token);
    expect([check.status, await check.json()]).toEqual([200, { swapped: false }]);
    // The consent on record still grants: a new CIBA request is approved at once.
    expect(typeof (await cibaTokens(url, NUMBER)).access_token).toBe('string');
    // The application still authenticates (private_key_jwt against its stored keys).
    const assertion = await clientAssertion(client, Date.now(), PUBLIC_URL);
    const token = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: `${PURPOSE} sim-swap:check`,
        ...assertionParams(assertion),
      }),
    });
    expect([token.status, ((await token.json()) as { token_type: string }).token_type]).toEqual([
      200,
      'Bearer',
    ]);
    expect(running.output()).not.toContain('APPLICATION REGISTRY LOST');
  }, 90_000);
});
