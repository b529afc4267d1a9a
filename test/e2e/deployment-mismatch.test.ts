import { base64url } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { deploymentKeys } from '../../src/store/keys.js';
import { rawRedis } from '../support/redis.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './support/process.js';
import { redisUrl, uniquePrefix } from './support/server.js';

/**
 * Instances of one deployment must share SIGNING_KEYS, TOKEN_SECRET, PSEUDONYM_KEYS and
 * PUBLIC_URL (README "Many instances"). One started with a different value is reported at its
 * start, by setting, from the fingerprint the instances keep in Redis; it is not refused
 * (src/deployment-fingerprint.ts says why).
 */

const pseudonymKeys = (fill: number) => `k1:${base64url.encode(new Uint8Array(32).fill(fill))}`;
const MISMATCH = 'DEPLOYMENT MISMATCH';

const started: PlatformProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

async function start(env: Record<string, string>): Promise<PlatformProcess> {
  const p = await startProcess(env);
  started.push(p);
  return p;
}

const mismatchLine = (p: PlatformProcess) =>
  JSON.parse(
    p
      .output()
      .split('\n')
      .find((l) => l.includes(MISMATCH)) ?? 'null',
  ) as Record<string, unknown> | null;

describe('many instances: a peer with different keys or issuer is reported', () => {
  it('logs nothing for a peer with the same settings, and names each differing setting of a misfit', async () => {
    const prefix = uniquePrefix();
    const secrets = await deploymentSecrets();
    const shared = {
      ...secrets,
      REDIS_URL: redisUrl(),
      REDIS_KEY_PREFIX: prefix,
      PUBLIC_URL: 'http://gateway.test',
      PSEUDONYM_KEYS: pseudonymKeys(1),
    };
    const a = await start(shared);
    const peer = await start(shared);
    expect([a.output().includes(MISMATCH), peer.output().includes(MISMATCH)]).toEqual([false, false]);

    const other = await deploymentSecrets();
    const misfit = await start({
      ...shared,
      TOKEN_SECRET: other.TOKEN_SECRET,
      PUBLIC_URL: 'http://other.test',
    });
    expect(mismatchLine(misfit)).toMatchObject({
      level: 'error',
      msg: `${MISMATCH}: PUBLIC_URL, TOKEN_SECRET differ from the instance started before on this Redis; every instance must share SIGNING_KEYS, TOKEN_SECRET, PSEUDONYM_KEYS, PUBLIC_URL (README "Many instances")`,
      differing: ['PUBLIC_URL', 'TOKEN_SECRET'],
      previousInstance: expect.stringMatching(new RegExp(`:${peer.pid}$`)),
      publicUrl: 'http://other.test',
      previousPublicUrl: 'http://gateway.test',
    });
    // Reported, not refused: it serves (a rolling key change starts the same way).
    expect((await fetch(`${misfit.url}/ready`)).status).toBe(200);

    const signing = await start({
      ...shared,
      SIGNING_KEYS: other.SIGNING_KEYS,
      PSEUDONYM_KEYS: pseudonymKeys(2),
    });
    expect(mismatchLine(signing)).toMatchObject({
      differing: ['PUBLIC_URL', 'SIGNING_KEYS', 'TOKEN_SECRET', 'PSEUDONYM_KEYS'],
    });

    // The record in Redis holds digests, never a secret nor a private key.
    const raw = rawRedis(redisUrl());
    await raw.connect();
    const record = (await raw.get(`${prefix}${deploymentKeys.fingerprint}`)) ?? '';
    await raw.quit();
    expect(Object.keys(JSON.parse(record) as object).sort()).toEqual([
      'instance',
      'pseudonymKeys',
      'publicUrl',
      'signingKeys',
      'startedAt',
      'tokenSecret',
    ]);
    const secretsUsed = [shared.TOKEN_SECRET, other.TOKEN_SECRET, pseudonymKeys(2).slice(3)];
    const privateParts = [shared.SIGNING_KEYS, other.SIGNING_KEYS].map(
      (s) => (JSON.parse(s) as { keys: { d: string }[] }).keys[0]?.d as string,
    );
    expect([...secretsUsed, ...privateParts].filter((s) => record.includes(s))).toEqual([]);
  }, 60_000);
});
