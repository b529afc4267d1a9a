import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { SigningKeys } from '../../src/auth/keys.js';
import { parseConfig } from '../../src/config.js';
import { differingSettings, fingerprintOf } from '../../src/deployment-fingerprint.js';
import { deploymentSecrets } from '../e2e/support/process.js';

const pseudonymKeys = (fill: number, kid = 'k1') =>
  `${kid}:${base64url.encode(new Uint8Array(32).fill(fill))}`;

async function fingerprint(env: Record<string, string>) {
  const config = parseConfig({ NODE_ENV: 'test', ...env });
  const keys = config.signingKeys
    ? await SigningKeys.fromJwkSet(config.signingKeys)
    : await SigningKeys.generate();
  return fingerprintOf(config, keys);
}

describe('deployment fingerprint', () => {
  it('is the same for the same settings, and names what differs', async () => {
    const base = {
      ...(await deploymentSecrets()),
      PUBLIC_URL: 'http://gateway.test',
      PSEUDONYM_KEYS: pseudonymKeys(1),
    };
    const other = await deploymentSecrets();
    const mine = await fingerprint(base);
    expect(differingSettings(mine, await fingerprint(base))).toEqual([]);
    // The same key id with another secret is another key: its records are unreachable.
    expect(differingSettings(mine, await fingerprint({ ...base, PSEUDONYM_KEYS: pseudonymKeys(2) }))).toEqual(
      ['PSEUDONYM_KEYS'],
    );
    expect(
      differingSettings(
        mine,
        await fingerprint({ ...base, SIGNING_KEYS: other.SIGNING_KEYS, PUBLIC_URL: 'http://x.test' }),
      ),
    ).toEqual(['PUBLIC_URL', 'SIGNING_KEYS']);
    expect(differingSettings(mine, await fingerprint({ ...base, TOKEN_SECRET: other.TOKEN_SECRET }))).toEqual(
      ['TOKEN_SECRET'],
    );
  });

  it('never agrees between two instances on ephemeral keys', async () => {
    const env = { PUBLIC_URL: 'http://gateway.test' };
    expect(differingSettings(await fingerprint(env), await fingerprint(env))).toEqual([
      'SIGNING_KEYS',
      'TOKEN_SECRET',
      'PSEUDONYM_KEYS',
    ]);
  });

  it('holds digests only: no secret, no private key member', async () => {
    const env = { ...(await deploymentSecrets()), PSEUDONYM_KEYS: pseudonymKeys(3) };
    const text = JSON.stringify(await fingerprint(env));
    const d = (JSON.parse(env.SIGNING_KEYS) as { keys: { d: string }[] }).keys[0]?.d as string;
    expect([env.TOKEN_SECRET, pseudonymKeys(3).slice(3), d].filter((s) => text.includes(s))).toEqual([]);
  });
});
