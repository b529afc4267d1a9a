import { base64url, calculateJwkThumbprint } from 'jose';
import type { SigningKeys } from './auth/keys.js';
import type { Config } from './config.js';
import { deriveKey } from './consent/secrets.js';
import type { Deps } from './deps.js';
import { sha256 as sha256Bytes } from './hash.js';
import { deploymentKeys } from './store/keys.js';

/**
 * Many instances share one Redis (DESIGN §3): each must run with the same PUBLIC_URL,
 * SIGNING_KEYS, TOKEN_SECRET and PSEUDONYM_KEYS, or tokens, client secrets and consent records
 * made by one are refused or unreachable at another. Each instance writes a fingerprint of these
 * settings at start and compares it with the one the previous instance wrote. Only the issuer URL
 * is kept in clear: the rest are SHA-256 digests of public key thumbprints and of keys derived
 * from the secrets (HKDF), which reveal nothing of them.
 */
export type DeploymentFingerprint = {
  publicUrl: string;
  signingKeys: string;
  tokenSecret: string;
  pseudonymKeys: string;
};

/** The settings a fingerprint covers, in the order a mismatch names them. */
const SETTINGS = [
  ['publicUrl', 'PUBLIC_URL'],
  ['signingKeys', 'SIGNING_KEYS'],
  ['tokenSecret', 'TOKEN_SECRET'],
  ['pseudonymKeys', 'PSEUDONYM_KEYS'],
] as const;

const KEY = deploymentKeys.fingerprint;
const INFO = 'deployment-fingerprint';

const utf8 = (text: string) => new TextEncoder().encode(text);
async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return base64url.encode(sha256Bytes(bytes));
}

/**
 * The fingerprint of this instance. A setting left to its ephemeral default gets a random value:
 * two instances with ephemeral keys never agree, which is exactly what the check must report.
 */
export async function fingerprintOf(config: Config, keys: SigningKeys): Promise<DeploymentFingerprint> {
  const thumbprints = await Promise.all((await keys.jwks()).keys.map((k) => calculateJwkThumbprint(k)));
  const tokenSecret =
    config.tokenSecret === undefined
      ? crypto.getRandomValues(new Uint8Array(32))
      : await deriveKey(new Uint8Array(base64url.decode(config.tokenSecret)), INFO);
  const pseudonyms =
    config.pseudonymKeys === undefined
      ? [`ephemeral:${crypto.randomUUID()}`]
      : await Promise.all(
          config.pseudonymKeys.map(async (k) => `${k.kid}:${await sha256(await deriveKey(k.secret, INFO))}`),
        );
  return {
    publicUrl: config.publicUrl,
    signingKeys: await sha256(utf8(thumbprints.sort().join(','))),
    tokenSecret: await sha256(tokenSecret),
    pseudonymKeys: await sha256(utf8(pseudonyms.join(','))),
  };
}

/** The environment variables whose values differ between two fingerprints. */
export function differingSettings(a: DeploymentFingerprint, b: DeploymentFingerprint): string[] {
  return SETTINGS.filter(([field]) => a[field] !== b[field]).map(([, variable]) => variable);
}

/**
 * Compares this instance's fingerprint with the deployment's record, logs an error naming every
 * setting that differs, and writes its own. The instance is not refused: the record cannot tell a
 * misconfigured instance from the first one of a rolling change (a new signing key, a pseudonym
 * key added to the ring), and refusing would block every such rollout. Last writer wins, so a
 * rollout converges and a misfit started among agreeing peers is reported at its start.
 */
export async function checkDeployment(
  deps: Pick<Deps, 'config' | 'keys' | 'store' | 'logger' | 'clock'>,
  instance: string,
): Promise<string[]> {
  const { store, logger } = deps;
  const mine = await fingerprintOf(deps.config, deps.keys);
  const raw = await store.get(KEY);
  const previous =
    raw === null ? undefined : (JSON.parse(raw) as DeploymentFingerprint & { instance?: string });
  const differing = previous === undefined ? [] : differingSettings(previous, mine);
  if (previous !== undefined && differing.length > 0) {
    logger.error(
      `DEPLOYMENT MISMATCH: ${differing.join(', ')} differ from the instance started before on this Redis; every instance must share SIGNING_KEYS, TOKEN_SECRET, PSEUDONYM_KEYS, PUBLIC_URL (README "Many instances")`,
      {
        differing,
        previousInstance: previous.instance,
        ...(differing.includes('PUBLIC_URL')
          ? { publicUrl: mine.publicUrl, previousPublicUrl: previous.publicUrl }
          : {}),
      },
    );
  }
  await store.set(
    KEY,
    JSON.stringify({ ...mine, instance, startedAt: new Date(deps.clock.now()).toISOString() }),
  );
  return differing;
}
