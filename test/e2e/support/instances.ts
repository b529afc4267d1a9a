import { adminEnv, adminKeys, adminToken } from '../../admin/support.js';
import { OPERATOR_ENV } from '../../support/consent.js';
import { deploymentSecrets, startProcess, type PlatformProcess } from './process.js';
import { redisUrl, uniquePrefix } from './server.js';

/** Two instances of one deployment, and an admin token good at both. */
export type AdminInstances = {
  a: PlatformProcess;
  b: PlatformProcess;
  /** The deployment's environment, for a control plane of the same deployment (control-plane.ts). */
  env: Record<string, string>;
  /** An operator-admin token from `url`'s token endpoint (private_key_jwt), audience `publicUrl`. */
  adminTokenAt(url: string): Promise<string>;
  stop(): Promise<void>;
};

/**
 * Two Node instances (two OS processes) of one deployment on one real Redis under a key prefix of
 * their own, with the operator's channel and the test admin clients (test/admin/support.ts).
 */
export async function startAdminInstances(publicUrl: string): Promise<AdminInstances> {
  const keys = await adminKeys();
  const env = {
    ...(await deploymentSecrets()),
    ...OPERATOR_ENV,
    ...adminEnv(keys),
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: uniquePrefix(),
    PUBLIC_URL: publicUrl,
  };
  const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
  return {
    a,
    b,
    env,
    adminTokenAt: (url) => adminToken(url, keys.admin, Date.now(), publicUrl),
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
    },
  };
}
