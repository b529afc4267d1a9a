import { z } from 'zod';
import { parsePurposeRegistry, type PurposeRegistryData } from './consent/purposes.js';
import { parsePseudonymKeys, type PseudonymKey } from './privacy/pseudonym.js';
import type { JWK } from 'jose';
import { checkJwks } from './admin/jwks-document.js';
import { ADMIN_ROLES, type AdminRole } from './admin/v1/roles.js';
import { parseClusterNodes, type ClusterConnection, type ClusterSeed } from './store/cluster-seeds.js';

/**
 * The only reader of the environment. Parsed once at start; every bad variable is listed in one
 * error so that an operator fixes them all at once.
 */
// A blank variable (`PORT=` in an env file) means unset: coerced, it would be 0.
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const intFrom = (def: number, min: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).default(def));
const flag = (def: boolean) =>
  z
    .enum(['true', 'false'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const headerName = optionalString.pipe(
  z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name')
    .transform((v) => v.toLowerCase())
    .optional(),
);

const withoutQuery = (url: string) => {
  try {
    const parsed = new URL(url);
    return parsed.search === '' && parsed.hash === '';
  } catch {
    return false;
  }
};

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: intFrom(8080, 0, 65535),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      // ioredis reads a query as options that override the platform's own (`?tls=` would turn
      // TLS off under a rediss:// scheme): none is accepted.
      .refine(withoutQuery, 'must not carry a query or fragment')
      .optional(),
  ),
  REDIS_CLUSTER_NODES: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const parsed = parseClusterNodes(v);
    if ('problem' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }
    return parsed;
  }),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{0,32}$/)
    .default('cg:'),
  NETWORK_BACKEND: z.preprocess(blankToUndefined, z.enum(['sandbox', 'http']).default('sandbox')),
  NETWORK_HTTP_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  NETWORK_HTTP_TOKEN: optionalString,
  NETWORK_HTTP_TIMEOUT_MS: intFrom(3000, 50, 60000),
  SIGNING_KEYS: optionalString.pipe(
    z
      .string()
      .refine(isPrivateP256JwkSet, 'must be a JSON JWK set of private EC P-256 keys, the signing key first')
      .optional(),
  ),
  SIGNING_KEY_ROTATION_HOURS: intFrom(24, 1, 8760),
  TOKEN_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url')
      .optional(),
  ),
  ACCESS_TOKEN_TTL_SECONDS: intFrom(600, 60, 86400),
  TOKEN_CACHE_SIZE: intFrom(10000, 0, 1_000_000),
  OAUTH_CLIENT_REQUESTS_PER_MINUTE: intFrom(600, 1, 1_000_000),
  OAUTH_AUTH_FAILURES_PER_IP: intFrom(20, 1, 1_000_000),
  OAUTH_ADDRESS_REQUESTS_PER_MINUTE: intFrom(3000, 1, 1_000_000),
  CLIENT_IP_HEADER: headerName,
  CLIENT_PORT_HEADER: headerName,
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
  ADMIN_CLIENTS: optionalString,
  ADMIN_TOKEN_TTL_SECONDS: intFrom(300, 60, 3600),
  ADMIN_IDP_ISSUER: optionalString,
  ADMIN_IDP_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  ADMIN_IDP_AUDIENCE: optionalString,
  ADMIN_IDP_ROLE_CLAIM: z.preprocess(blankToUndefined, z.string().min(1).max(64).default('role')),
  ADMIN_IDP_PARTNERS_CLAIM: z.preprocess(blankToUndefined, z.string().min(1).max(64).default('partner_ids')),
  OPERATOR_NAME: z.string().min(1).max(60).default('your mobile operator'),
  CONSENT_REQUEST_TTL_SECONDS: intFrom(600, 30, 86400),
  CONSENT_CAPTURES_PER_DAY: intFrom(3, 1, 100),
  KYC_ID_DOCUMENT_REQUIRED: flag(false),
  KYC_MATCH_SCORES: flag(true),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: intFrom(10000, 0, 120000),
  TRUSTED_PROXIES: optionalString
    .transform((v) => (v === undefined ? [] : v.split(',').map((s) => s.trim().toLowerCase())))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: 'must be IP addresses, comma-separated' }))),
  CIBA_EXPIRES_IN_SECONDS: intFrom(300, 30, 3600),
  CIBA_INTERVAL_SECONDS: intFrom(5, 1, 60),
  AUTHORIZE_CONSENT_TTL_SECONDS: intFrom(600, 60, 3600),
  REFRESH_TOKEN_TTL_SECONDS: intFrom(2_592_000, 300, 31_536_000),
  // Connection deadlines and cap (docs/operations.md): Node's own defaults (60 s for the headers,
  // 300 s for a request, no cap) let slow clients hold a connection for minutes each.
  HEADERS_TIMEOUT_SECONDS: intFrom(10, 1, 600),
  REQUEST_TIMEOUT_SECONDS: intFrom(30, 1, 600),
  KEEP_ALIVE_TIMEOUT_SECONDS: intFrom(5, 1, 600),
  MAX_CONNECTIONS: intFrom(10_000, 1, 1_000_000),
  // Prometheus exposition on its own listener (docs/operations.md "Metrics"); unset: no listener.
  METRICS_PORT: optionalString
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .pipe(z.number().int().min(0).max(65535).optional()),
  METRICS_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  // Tests and a laptop serve client keys over http on loopback; never in production (jwks-uri.ts).
  JWKS_URI_ALLOW_HTTP_LOOPBACK: flag(false),
});

/** Every environment variable the platform reads (README.md documents each one). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  redisUrl: string | undefined;
  /** Redis Cluster seed nodes (REDIS_CLUSTER_NODES): the store runs on the cluster. */
  redisClusterNodes: ClusterSeed[] | undefined;
  /** TLS and credentials of every cluster node (the seeds' scheme and user info). */
  redisClusterConnection: ClusterConnection | undefined;
  redisKeyPrefix: string;
  networkBackend: 'sandbox' | 'http';
  /** The operator BSS adapter (docs/operator-bss-contract.md); set when networkBackend is http. */
  networkHttp: { url: string; token: string; timeoutMs: number } | undefined;
  signingKeys: string | undefined;
  /** Embedded mode (no SIGNING_KEYS): a new generated key signs every this many hours. */
  signingKeyRotationHours: number;
  /** 32 bytes, base64url: encrypts the subscriber claim and keys pairwise subjects. */
  tokenSecret: string | undefined;
  accessTokenTtlSeconds: number;
  tokenCacheSize: number;
  /**
   * Authorization-server endpoints (token, bc-authorize, introspect, revoke): requests per
   * minute per client and endpoint, and failed client authentications per source address per
   * 15 minutes.
   */
  oauthLimits: { clientPerMinute: number; authFailuresPerIp: number; addressPerMinute: number };
  /** Who the caller is behind the operator's edge: one resolver for every use (client-address.ts). */
  edge: EdgeSettings;
  maxBodyBytes: number;
  simSwap: { maxAgeCapHours: number; monitoredDays: number | undefined };
  /** KYC Match operator settings (docs/kyc-match.md). */
  kycMatch: { idDocumentRequired: boolean; scores: boolean };
  /** ISO 3166-1 alpha-2 market whose legal bases apply; undefined: each purpose's default. */
  market: string | undefined;
  /** The purpose registry (PURPOSE_REGISTRY); undefined: the sandbox registry in code. */
  purposeRegistry: PurposeRegistryData | undefined;
  /** Pseudonymisation key ring, the active key first; undefined: an ephemeral key (development). */
  pseudonymKeys: PseudonymKey[] | undefined;
  /** SHA-256 (hex) of each operator API key; empty: the internal API is not served. */
  operatorApiKeyHashes: string[];
  consent: { requestTtlSeconds: number; capturesPerDay: number; operatorName: string };
  /** The admin API (/admin/v1): served when admin clients or an identity provider are configured. */
  admin: AdminSettings;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  shutdownGraceMs: number;
  /** CIBA (poll mode): lifetime of an auth_req_id and the minimum polling interval. */
  ciba: { expiresInSeconds: number; intervalSeconds: number };
  /** How long a subscriber has to answer a consent request started by /oauth2/authorize. */
  authorizeConsentTtlSeconds: number;
  /** Absolute lifetime of a refresh-token family, counted from the user's authorization. */
  refreshTokenTtlSeconds: number;
  /**
   * The Node server's connection limits: deadlines for a request's headers and for the whole
   * request (body included), the idle time of a kept-alive connection, and the open connections.
   */
  connections: {
    headersTimeoutSeconds: number;
    requestTimeoutSeconds: number;
    keepAliveTimeoutSeconds: number;
    maxConnections: number;
  };
  /**
   * The Node metrics listener (`GET /metrics` only); port undefined: none, the series are then
   * served at /internal/metrics behind the operator's credentials only.
   */
  metrics: { port: number | undefined; host: string };
  /**
   * Client keys registered by URL (admin/jwks-uri.ts): allowHttpLoopback admits http:// and
   * loopback destinations, for development and tests only (refused in production).
   */
  jwksUri: { allowHttpLoopback: boolean };
};

/**
 * The operator's edge: the proxies whose header is believed, and the one header (and port header)
 * they write. Nothing else a client sends is believed (src/auth/client-address.ts).
 */
export type EdgeSettings = {
  trustedProxies: readonly string[];
  /** `forwarded` and `x-forwarded-for` are lists read from the right; any other, one value. */
  ipHeader: string | undefined;
  portHeader: string | undefined;
};

/** An operator's admin client (ADMIN_CLIENTS): private_key_jwt only, never a developer application. */
export type AdminClient = {
  clientId: string;
  role: AdminRole;
  /** Public signing keys only (checked as a jwks registered by value: admin/jwks-document.ts). */
  jwks: { keys: JWK[] };
  /** A partner-manager limited to these partners; absent: every partner. */
  partnerIds?: string[] | undefined;
};

export type AdminSettings = {
  clients: AdminClient[];
  /** Lifetime of an admin access token from the token endpoint: short, a console session re-asks. */
  tokenTtlSeconds: number;
  /** The operator's identity provider, whose JWTs the admin API accepts as well. */
  idp:
    | { issuer: string; jwksUrl: string; audience: string; roleClaim: string; partnersClaim: string }
    | undefined;
};

const adminClientsSchema = z
  .array(
    z
      .object({
        clientId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
        role: z.enum(ADMIN_ROLES),
        // A private key in the configuration of a verifier is a leak: public signing keys only.
        jwks: z.custom<{ keys: JWK[] }>((value) => checkJwks(value) === undefined),
        partnerIds: z.array(z.string().min(1).max(128)).optional(),
      })
      .strict(),
  )
  .refine((list) => new Set(list.map((c) => c.clientId)).size === list.length, 'clientId must be unique');

/** ADMIN_CLIENTS and the identity provider's three variables, which go together. */
function adminSettings(env: Record<string, string | undefined>) {
  const problems: string[] = [];
  let clients: AdminClient[] = [];
  if (!blank(env.ADMIN_CLIENTS)) {
    let json: unknown;
    try {
      json = JSON.parse(env.ADMIN_CLIENTS as string);
    } catch {
      json = undefined; // the parser's message quotes the input: keep key material out of the log
    }
    const parsed = adminClientsSchema.safeParse(json);
    if (parsed.success) clients = parsed.data;
    else problems.push('ADMIN_CLIENTS: must be a JSON list of {clientId, role, jwks, partnerIds?}');
  }
  const idpVars = ['ADMIN_IDP_ISSUER', 'ADMIN_IDP_JWKS_URL', 'ADMIN_IDP_AUDIENCE'] as const;
  const set = idpVars.filter((v) => !blank(env[v]));
  if (set.length > 0 && set.length < idpVars.length)
    problems.push(`${idpVars.find((v) => blank(env[v]))}: required with ${set.join(', ')}`);
  if (env.NODE_ENV === 'production' && env.ADMIN_IDP_JWKS_URL?.trim().startsWith('http:'))
    problems.push('ADMIN_IDP_JWKS_URL: must be https:// in production');
  return { problems, clients };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** SIGNING_KEYS is checked at start so that a bad key set never surfaces at the first token. */
function isPrivateP256JwkSet(json: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return false; // the parser's message quotes the input: key material must not reach a log
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  return (
    Array.isArray(keys) &&
    keys.length > 0 &&
    keys.every(
      (k: Record<string, unknown> | null) =>
        ['d', 'x', 'y'].every((f) => typeof k?.[f] === 'string') && k?.kty === 'EC' && k.crv === 'P-256',
    )
  );
}

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** What production needs besides well-formed values; checked on the raw record. */
function productionProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (blank(env.SIGNING_KEYS)) {
    problems.push(
      'SIGNING_KEYS: required in production (a private JWK set); the ephemeral key is for development',
    );
  }
  if (blank(env.TOKEN_SECRET)) {
    problems.push('TOKEN_SECRET: required in production (32 random bytes, base64url)');
  }
  if (blank(env.PUBLIC_URL)) {
    problems.push('PUBLIC_URL: required in production (the issuer and token audience)');
  } else if (!env.PUBLIC_URL?.trim().startsWith('https:')) {
    // The public origin clients see (the edge terminates TLS): on http the consent and
    // authorization cookies would lose `Secure` and the answers HSTS (security-headers.ts).
    problems.push('PUBLIC_URL: must be https:// in production');
  }
  if (blank(env.PSEUDONYM_KEYS)) {
    problems.push('PSEUDONYM_KEYS: required in production (kid:base64url-secret, at least 32 bytes)');
  }
  // DESIGN §3: the sandbox backend brings published demo credentials and /sandbox/* routes; its
  // default must never be what a production deployment silently gets.
  if (env.NETWORK_BACKEND?.trim() !== 'http') {
    problems.push(
      'NETWORK_BACKEND: must be set to http in production (the sandbox backend serves published demo credentials)',
    );
  }
  // ICM §7.5-7.6: which purposes exist and on which legal basis each may process subscriber data
  // is the operator's decision. The sandbox registry's (contract for identity checks, legitimate
  // interest for fraud, every KYC attribute) must never be what production silently runs on.
  if (blank(env.PURPOSE_REGISTRY)) {
    problems.push(
      "PURPOSE_REGISTRY: required in production (the operator's purposes and legal bases; on Node PURPOSE_REGISTRY_FILE); the sandbox registry is for development",
    );
  }
  // An SSRF guard with a hole in it: a jwks_uri could reach the instance's own loopback services.
  if (env.JWKS_URI_ALLOW_HTTP_LOOPBACK?.trim() === 'true') {
    problems.push('JWKS_URI_ALLOW_HTTP_LOOPBACK: never in production (development and tests only)');
  }
  return problems;
}

/** The purpose registry and the pseudonym key ring: JSON and key material, checked at start. */
function consentSettings(env: Record<string, string | undefined>) {
  const problems: string[] = [];
  let purposeRegistry: PurposeRegistryData | undefined;
  let pseudonymKeys: PseudonymKey[] | undefined;
  try {
    purposeRegistry = blank(env.PURPOSE_REGISTRY)
      ? undefined
      : parsePurposeRegistry(env.PURPOSE_REGISTRY as string);
  } catch (error) {
    problems.push(`PURPOSE_REGISTRY: ${(error as Error).message}`);
  }
  try {
    pseudonymKeys = blank(env.PSEUDONYM_KEYS) ? undefined : parsePseudonymKeys(env.PSEUDONYM_KEYS as string);
    if (pseudonymKeys?.length === 0) problems.push('PSEUDONYM_KEYS: no key');
  } catch (error) {
    problems.push(`PSEUDONYM_KEYS: ${(error as Error).message}`);
  }
  return { problems, purposeRegistry, pseudonymKeys };
}

/** The operator BSS adapter needs its URL and credential; never in clear in production. */
function backendProblems(env: Record<string, string | undefined>): string[] {
  if (env.NETWORK_BACKEND !== 'http') return [];
  const problems: string[] = [];
  if (blank(env.NETWORK_HTTP_URL)) problems.push('NETWORK_HTTP_URL: required when NETWORK_BACKEND=http');
  if (blank(env.NETWORK_HTTP_TOKEN)) problems.push('NETWORK_HTTP_TOKEN: required when NETWORK_BACKEND=http');
  // The credential and subscriber data travel on this link.
  if (env.NODE_ENV === 'production' && env.NETWORK_HTTP_URL?.trim().startsWith('http:')) {
    problems.push('NETWORK_HTTP_URL: must be https:// in production');
  }
  return problems;
}

/**
 * A header is believed only from a trusted proxy, and a trusted proxy only through the header the
 * operator names: one without the other is a mistake caught at start, never a silent default.
 */
function edgeProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!blank(env.TRUSTED_PROXIES) && blank(env.CLIENT_IP_HEADER)) {
    problems.push(
      'CLIENT_IP_HEADER: required with TRUSTED_PROXIES (the one header your edge writes, e.g. x-forwarded-for)',
    );
  }
  if (blank(env.TRUSTED_PROXIES) && !blank(env.CLIENT_IP_HEADER)) {
    problems.push('CLIENT_IP_HEADER: needs TRUSTED_PROXIES (a header is believed only from a trusted proxy)');
  }
  if (!blank(env.CLIENT_PORT_HEADER) && blank(env.CLIENT_IP_HEADER)) {
    problems.push('CLIENT_PORT_HEADER: needs CLIENT_IP_HEADER and TRUSTED_PROXIES');
  }
  const same = (a: string | undefined, b: string | undefined) =>
    !blank(a) && a?.trim().toLowerCase() === b?.trim().toLowerCase();
  if (same(env.CLIENT_PORT_HEADER, env.CLIENT_IP_HEADER)) {
    problems.push('CLIENT_PORT_HEADER: must differ from CLIENT_IP_HEADER');
  }
  return problems;
}

/** One store: a single server or a cluster, never a guess between the two. */
function redisProblems(env: Record<string, string | undefined>): string[] {
  if (blank(env.REDIS_URL) || blank(env.REDIS_CLUSTER_NODES)) return [];
  return ['REDIS_CLUSTER_NODES: set REDIS_URL or REDIS_CLUSTER_NODES, not both'];
}

/** Node refuses a headers deadline past the request deadline: the headers are part of the request. */
function connectionProblems(e: z.infer<typeof schema> | undefined): string[] {
  const problems: string[] = [];
  if (e !== undefined && e.HEADERS_TIMEOUT_SECONDS > e.REQUEST_TIMEOUT_SECONDS)
    problems.push('HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS');
  // The metrics listener serves no API: sharing the API's port would make it one or the other.
  if (e?.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT)
    problems.push('METRICS_PORT: must differ from PORT');
  return problems;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  const consent = consentSettings(env);
  const admin = adminSettings(env);
  // Every problem at once, the production requirements included, so an operator fixes them all.
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)),
    ...productionProblems(env),
    ...backendProblems(env),
    ...edgeProblems(env),
    ...connectionProblems(parsed.data),
    ...redisProblems(env),
    ...consent.problems,
    ...admin.problems,
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES?.seeds,
    redisClusterConnection: e.REDIS_CLUSTER_NODES?.connection,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    networkBackend: e.NETWORK_BACKEND,
    networkHttp:
      e.NETWORK_BACKEND === 'http'
        ? {
            url: (e.NETWORK_HTTP_URL as string).replace(/\/+$/, ''),
            token: e.NETWORK_HTTP_TOKEN as string,
            timeoutMs: e.NETWORK_HTTP_TIMEOUT_MS,
          }
        : undefined,
    signingKeys: e.SIGNING_KEYS,
    signingKeyRotationHours: e.SIGNING_KEY_ROTATION_HOURS,
    tokenSecret: e.TOKEN_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    tokenCacheSize: e.TOKEN_CACHE_SIZE,
    oauthLimits: {
      clientPerMinute: e.OAUTH_CLIENT_REQUESTS_PER_MINUTE,
      authFailuresPerIp: e.OAUTH_AUTH_FAILURES_PER_IP,
      addressPerMinute: e.OAUTH_ADDRESS_REQUESTS_PER_MINUTE,
    },
    edge: {
      trustedProxies: e.TRUSTED_PROXIES,
      ipHeader: e.CLIENT_IP_HEADER,
      portHeader: e.CLIENT_PORT_HEADER,
    },
    maxBodyBytes: e.MAX_BODY_BYTES,
    simSwap: { maxAgeCapHours: e.SIM_SWAP_MAX_AGE_CAP_HOURS, monitoredDays: e.SIM_SWAP_MONITORED_DAYS },
    kycMatch: { idDocumentRequired: e.KYC_ID_DOCUMENT_REQUIRED, scores: e.KYC_MATCH_SCORES },
    market: e.MARKET,
    purposeRegistry: consent.purposeRegistry,
    pseudonymKeys: consent.pseudonymKeys,
    operatorApiKeyHashes:
      e.OPERATOR_API_KEYS === undefined ? [] : e.OPERATOR_API_KEYS.split(',').map((h) => h.slice(7)),
    consent: {
      requestTtlSeconds: e.CONSENT_REQUEST_TTL_SECONDS,
      capturesPerDay: e.CONSENT_CAPTURES_PER_DAY,
      operatorName: e.OPERATOR_NAME,
    },
    admin: {
      clients: admin.clients,
      tokenTtlSeconds: e.ADMIN_TOKEN_TTL_SECONDS,
      idp:
        e.ADMIN_IDP_ISSUER === undefined ||
        e.ADMIN_IDP_JWKS_URL === undefined ||
        e.ADMIN_IDP_AUDIENCE === undefined
          ? undefined
          : {
              issuer: e.ADMIN_IDP_ISSUER,
              jwksUrl: e.ADMIN_IDP_JWKS_URL,
              audience: e.ADMIN_IDP_AUDIENCE,
              roleClaim: e.ADMIN_IDP_ROLE_CLAIM,
              partnersClaim: e.ADMIN_IDP_PARTNERS_CLAIM,
            },
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    ciba: { expiresInSeconds: e.CIBA_EXPIRES_IN_SECONDS, intervalSeconds: e.CIBA_INTERVAL_SECONDS },
    authorizeConsentTtlSeconds: e.AUTHORIZE_CONSENT_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    connections: {
      headersTimeoutSeconds: e.HEADERS_TIMEOUT_SECONDS,
      requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
      keepAliveTimeoutSeconds: e.KEEP_ALIVE_TIMEOUT_SECONDS,
      maxConnections: e.MAX_CONNECTIONS,
    },
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
    jwksUri: { allowHttpLoopback: e.JWKS_URI_ALLOW_HTTP_LOOPBACK },
  };
}
