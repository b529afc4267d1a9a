import nodeCrypto, { createHash } from 'node:crypto';
import type { Plan } from '../src/ratelimit/plans.js';
import { SANDBOX_APPLICATIONS } from '../src/sandbox-seed.js';

/**
 * What the platform processes of the benchmark and of the fault runs share: a plan whose limits a
 * load never reaches (the limiter still runs its atomic script on every call, the work being
 * measured, but never refuses one), the sandbox demo application to copy, and Node's digest.
 */
export const OUT_OF_REACH_PLAN: Plan = {
  burst: { name: 'burst', limit: 1_000_000_000, windowMs: 1000 },
  quota: { name: 'quota', limit: 1_000_000_000_000, windowMs: 86_400_000 },
};

/** The sandbox demo application's record without its secret: a copy gets its own id and secret. */
export function demoApplicationRecord() {
  const demo = SANDBOX_APPLICATIONS.find((a) => a.clientId === 'demo-app');
  if (demo === undefined) throw new Error('the sandbox demo application is missing');
  const { clientSecret: _demoSecret, ...record } = demo;
  void _demoSecret;
  return record;
}

/** As src/node.ts: the token cache key hashed by node:crypto, faster than the pure-JS default. */
export const nodeTokenDigest: (text: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (text) => nodeCrypto.hash('sha256', text, 'hex')
    : (text) => createHash('sha256').update(text).digest('hex');
