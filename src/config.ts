import { z } from 'zod';
import { parsePurposeRegistry, type PurposeRegistryData } from './consent/purposes.js';
import { parsePseudonymKeys, type PseudonymKey } from './privacy/pseudonym.js';

/**
 * The only reader of the environment. Parsed once at start; every bad variable is listed in one
 * error so that an operator fixes them all at once.
 */
const intFrom = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: intFrom(8080, 0, 65535),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  ),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{0,32}$/)
    .default('cg:'),
  NETWORK_BACKEND: z.enum(['sandbox']).default('sandbox'),
  SIGNING_KEYS: optionalString,
  TOKEN_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url')
      .optional(),
  ),
  ACCESS_TOKEN_TTL_SECONDS: intFrom(600, 60, 86400),
  TOKEN_CACHE_SIZE: intFrom(10000, 0, 1_000_000),
  MAX_BODY_BYTES: intFrom(16384, 256, 1_048_576),
  SIM_SWAP_MAX_AGE_CAP_HOURS: intFrom(2400, 1, 2400),
  SIM_SWAP_MONITORED_DAYS: optionalString
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .pipe(z.number().int().min(1).max(36500).optional()),
  MARKET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
      .optional(),
  ),
  PURPOSE_REGISTRY: optionalString,
  PSEUDONYM_KEYS: optionalString,
  OPERATOR_API_KEYS: optionalString.pipe(
    z
      .string()
      .regex(
        /^sha256:[0-9a-f]{64}(,sha256:[0-9a-f]{64})*$/,
        'must be sha256:<64 hex> entries, comma-separated',
      )
      .optional(),
  ),
  OPERATOR_NAME: z.string().min(1).max(60).default('your mobile operator'),
  CONSENT_REQUEST_TTL_SECONDS: intFrom(600, 30, 86400),
  CONSENT_CAPTURES_PER_DAY: intFrom(3, 1, 100),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: intFrom(10000, 0, 120000),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  networkBackend: 'sandbox';
  signingKeys: string | undefined;
  /** 32 bytes, base64url: encrypts the subscriber claim and keys pairwise subjects. */
  tokenSecret: string | undefined;
  accessTokenTtlSeconds: number;
  tokenCacheSize: number;
  maxBodyBytes: number;
  simSwap: { maxAgeCapHours: number; monitoredDays: number | undefined };
  /** ISO 3166-1 alpha-2 market whose legal bases apply; undefined: each purpose's default. */
  market: string | undefined;
  /** The purpose registry (PURPOSE_REGISTRY); undefined: the sandbox registry in code. */
  purposeRegistry: PurposeRegistryData | undefined;
  /** Pseudonymisation key ring, the active key first; undefined: an ephemeral key (development). */
  pseudonymKeys: PseudonymKey[] | undefined;
  /** SHA-256 (hex) of each operator API key; empty: the internal API is not served. */
  operatorApiKeyHashes: string[];
  consent: { requestTtlSeconds: number; capturesPerDay: number; operatorName: string };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  shutdownGraceMs: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.SIGNING_KEYS) {
    problems.push(
      'SIGNING_KEYS: required in production (a private JWK set); the ephemeral key is for development',
    );
  }
  if (e.NODE_ENV === 'production' && !e.TOKEN_SECRET) {
    problems.push('TOKEN_SECRET: required in production (32 random bytes, base64url)');
  }
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required in production (the issuer and token audience)');
  }
  if (e.NODE_ENV === 'production' && !e.PSEUDONYM_KEYS) {
    problems.push('PSEUDONYM_KEYS: required in production (kid:base64url-secret, at least 32 bytes)');
  }
  let purposeRegistry: PurposeRegistryData | undefined;
  let pseudonymKeys: PseudonymKey[] | undefined;
  try {
    purposeRegistry = e.PURPOSE_REGISTRY === undefined ? undefined : parsePurposeRegistry(e.PURPOSE_REGISTRY);
  } catch (error) {
    problems.push(`PURPOSE_REGISTRY: ${(error as Error).message}`);
  }
  try {
    pseudonymKeys = e.PSEUDONYM_KEYS === undefined ? undefined : parsePseudonymKeys(e.PSEUDONYM_KEYS);
    if (pseudonymKeys?.length === 0) problems.push('PSEUDONYM_KEYS: no key');
  } catch (error) {
    problems.push(`PSEUDONYM_KEYS: ${(error as Error).message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    networkBackend: e.NETWORK_BACKEND,
    signingKeys: e.SIGNING_KEYS,
    tokenSecret: e.TOKEN_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    tokenCacheSize: e.TOKEN_CACHE_SIZE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    simSwap: { maxAgeCapHours: e.SIM_SWAP_MAX_AGE_CAP_HOURS, monitoredDays: e.SIM_SWAP_MONITORED_DAYS },
    market: e.MARKET,
    purposeRegistry,
    pseudonymKeys,
    operatorApiKeyHashes:
      e.OPERATOR_API_KEYS === undefined ? [] : e.OPERATOR_API_KEYS.split(',').map((h) => h.slice(7)),
    consent: {
      requestTtlSeconds: e.CONSENT_REQUEST_TTL_SECONDS,
      capturesPerDay: e.CONSENT_CAPTURES_PER_DAY,
      operatorName: e.OPERATOR_NAME,
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
