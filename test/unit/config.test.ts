import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type Config } from '../../src/config.js';
import { DEFAULT_PURPOSES } from '../../src/consent/purposes.js';

/** src/config.ts: the one reader of the environment. */

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** The variable each problem names (a problem reads `NAME: what is wrong`). */
const named = (problems: string[]) => problems.map((p) => p.split(':')[0]).sort();

const TOKEN_SECRET = 'q'.repeat(43);
const PSEUDONYM_KEYS = `k1:${'p'.repeat(43)}`;
/** The operator's own registry, as production needs one (its content is the sandbox's here). */
const PURPOSE_REGISTRY = JSON.stringify(DEFAULT_PURPOSES);

async function signingKeys(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'k1' }] });
}

/**
 * A production configuration that starts (every secret, the purpose registry, the operator's
 * BSS), with `changes` applied: a value replaces, undefined removes.
 */
async function productionEnv(
  changes: Record<string, string | undefined> = {},
): Promise<Record<string, string>> {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'production',
    SIGNING_KEYS: await signingKeys(),
    TOKEN_SECRET,
    PUBLIC_URL: 'https://api.operator.example',
    PSEUDONYM_KEYS,
    PURPOSE_REGISTRY,
    NETWORK_BACKEND: 'http',
    NETWORK_HTTP_URL: 'https://bss.operator.example',
    NETWORK_HTTP_TOKEN: 't',
    ...changes,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

describe('parseConfig', () => {
  it('defaults to the embedded mode: memory store, sandbox network, ephemeral keys', () => {
    const expected: Config = {
      env: 'development',
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://localhost:8080',
      redisUrl: undefined,
      redisClusterNodes: undefined,
      redisClusterConnection: undefined,
      redisKeyPrefix: 'cg:',
      networkBackend: 'sandbox',
      networkHttp: undefined,
      signingKeys: undefined,
      signingKeyRotationHours: 24,
      tokenSecret: undefined,
      accessTokenTtlSeconds: 600,
      tokenCacheSize: 10000,
      oauthLimits: { clientPerMinute: 600, authFailuresPerIp: 20, addressPerMinute: 3000 },
      edge: { trustedProxies: [], ipHeader: undefined, portHeader: undefined },
      ciba: { expiresInSeconds: 300, intervalSeconds: 5 },
      authorizeConsentTtlSeconds: 600,
      refreshTokenTtlSeconds: 2_592_000,
      maxBodyBytes: 16384,
      simSwap: { maxAgeCapHours: 2400, monitoredDays: undefined },
      kycMatch: { idDocumentRequired: false, scores: true },
      market: undefined,
      purposeRegistry: undefined,
      pseudonymKeys: undefined,
      operatorApiKeyHashes: [],
      consent: { requestTtlSeconds: 600, capturesPerDay: 3, operatorName: 'your mobile operator' },
      admin: { clients: [], tokenTtlSeconds: 300, idp: undefined },
      logLevel: 'info',
      shutdownGraceMs: 10000,
      connections: {
        headersTimeoutSeconds: 10,
        requestTimeoutSeconds: 30,
        keepAliveTimeoutSeconds: 5,
        maxConnections: 10000,
      },
      metrics: { port: undefined, host: '127.0.0.1' },
      jwksUri: { allowHttpLoopback: false },
    };
    expect(parseConfig({})).toEqual(expected);
  });

  it('reads only the record it is given, never process.env', () => {
    const saved = process.env.PORT;
    process.env.PORT = '1234';
    try {
      expect(parseConfig({}).port).toBe(8080);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('takes every variable it knows', () => {
    const config = parseConfig({
      NODE_ENV: 'test',
      HOST: '0.0.0.0',
      PORT: '9090',
      PUBLIC_URL: 'https://api.operator.example/',
      REDIS_KEY_PREFIX: 'gw:',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      TOKEN_CACHE_SIZE: '0',
      MAX_BODY_BYTES: '4096',
      SIM_SWAP_MAX_AGE_CAP_HOURS: '720',
      SIM_SWAP_MONITORED_DAYS: '30',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '0',
    });
    expect(config).toMatchObject({
      env: 'test',
      host: '0.0.0.0',
      port: 9090,
      publicUrl: 'https://api.operator.example', // trailing slash dropped: it is the issuer
      redisKeyPrefix: 'gw:',
      accessTokenTtlSeconds: 300,
      tokenCacheSize: 0,
      maxBodyBytes: 4096,
      simSwap: { maxAgeCapHours: 720, monitoredDays: 30 },
      logLevel: 'warn',
      shutdownGraceMs: 0,
    });
  });

  describe('the edge: trusted proxies and the one header they write', () => {
    it('reads TRUSTED_PROXIES, CLIENT_IP_HEADER and CLIENT_PORT_HEADER (names lower-cased)', () => {
      const config = parseConfig({
        TRUSTED_PROXIES: '10.0.0.1, 2001:DB8::5',
        CLIENT_IP_HEADER: 'X-Forwarded-For',
        CLIENT_PORT_HEADER: 'X-Forwarded-Port',
        OAUTH_ADDRESS_REQUESTS_PER_MINUTE: '50',
      });
      expect(config.edge).toEqual({
        trustedProxies: ['10.0.0.1', '2001:db8::5'],
        ipHeader: 'x-forwarded-for',
        portHeader: 'x-forwarded-port',
      });
      expect(config.oauthLimits.addressPerMinute).toBe(50);
    });

    it.each([
      [{ TRUSTED_PROXIES: '10.0.0.1' }, 'CLIENT_IP_HEADER: required with TRUSTED_PROXIES'],
      [{ CLIENT_IP_HEADER: 'x-forwarded-for' }, 'CLIENT_IP_HEADER: needs TRUSTED_PROXIES'],
      [{ CLIENT_PORT_HEADER: 'x-forwarded-port' }, 'CLIENT_PORT_HEADER: needs CLIENT_IP_HEADER'],
      [
        { TRUSTED_PROXIES: '10.0.0.1', CLIENT_IP_HEADER: 'x-real-ip', CLIENT_PORT_HEADER: 'X-Real-IP' },
        'CLIENT_PORT_HEADER: must differ from CLIENT_IP_HEADER',
      ],
      [
        { TRUSTED_PROXIES: '10.0.0.1', CLIENT_IP_HEADER: 'x forwarded' },
        'CLIENT_IP_HEADER: must be a header name',
      ],
      [
        { TRUSTED_PROXIES: '10.0.0.0/8', CLIENT_IP_HEADER: 'x-real-ip' },
        'TRUSTED_PROXIES.0: must be IP addresses',
      ],
    ])('refuses %o at start', (env, problem) => {
      expect(problemsOf(env).join('\n')).toContain(problem);
    });
  });

  it('takes the connection deadlines and cap, and refuses a headers deadline past the request deadline', () => {
    expect(
      parseConfig({
        HEADERS_TIMEOUT_SECONDS: '2',
        REQUEST_TIMEOUT_SECONDS: '3',
        KEEP_ALIVE_TIMEOUT_SECONDS: '1',
        MAX_CONNECTIONS: '50',
      }).connections,
    ).toEqual({
      headersTimeoutSeconds: 2,
      requestTimeoutSeconds: 3,
      keepAliveTimeoutSeconds: 1,
      maxConnections: 50,
    });
    expect(problemsOf({ HEADERS_TIMEOUT_SECONDS: '40' })).toEqual([
      'HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS',
    ]);
    expect(named(problemsOf({ REQUEST_TIMEOUT_SECONDS: '0', MAX_CONNECTIONS: '0' }))).toEqual([
      'MAX_CONNECTIONS',
      'REQUEST_TIMEOUT_SECONDS',
    ]);
  });

  it('takes the metrics listener, and refuses it on the API port or out of range', () => {
    expect(parseConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
    expect(parseConfig({ METRICS_PORT: '', METRICS_HOST: '' }).metrics).toEqual({
      port: undefined,
      host: '127.0.0.1',
    });
    expect(parseConfig({ PORT: '0', METRICS_PORT: '0' }).metrics.port).toBe(0);
    expect(problemsOf({ PORT: '9000', METRICS_PORT: '9000' })).toEqual([
      'METRICS_PORT: must differ from PORT',
    ]);
    expect(named(problemsOf({ METRICS_PORT: '70000' }))).toEqual(['METRICS_PORT']);
    expect(named(problemsOf({ METRICS_PORT: 'nine' }))).toEqual(['METRICS_PORT']);
  });

  it('the public URL defaults to localhost on the configured port', () => {
    expect(parseConfig({ PORT: '3000' }).publicUrl).toBe('http://localhost:3000');
  });

  it.each(['redis://127.0.0.1:6379', 'rediss://user:pass@redis.internal:6380/2'])(
    'REDIS_URL %s switches to the shared Redis store',
    (url) => {
      expect(parseConfig({ REDIS_URL: url }).redisUrl).toBe(url);
    },
  );

  it.each(['', '   '])('a blank REDIS_URL (%j) keeps the embedded memory store', (url) => {
    expect(parseConfig({ REDIS_URL: url }).redisUrl).toBeUndefined();
  });

  it.each(['http://redis:6379', 'localhost:6379'])('REDIS_URL %s is refused', (url) => {
    expect(problemsOf({ REDIS_URL: url })).toEqual(['REDIS_URL: must start with redis:// or rediss://']);
  });

  it.each(['PORT', 'MAX_BODY_BYTES', 'ACCESS_TOKEN_TTL_SECONDS', 'SIM_SWAP_MAX_AGE_CAP_HOURS'])(
    'a blank %s takes its default, as if unset',
    (name) => {
      expect(parseConfig({ [name]: '' })).toEqual(parseConfig({}));
      expect(parseConfig({ [name]: ' ' })).toEqual(parseConfig({}));
    },
  );

  it('lists every bad variable at once', () => {
    const bad = {
      NODE_ENV: 'staging',
      PORT: 'http',
      PUBLIC_URL: 'not a url',
      REDIS_URL: 'http://redis',
      REDIS_KEY_PREFIX: 'bad prefix!',
      NETWORK_BACKEND: 'bss',
      TOKEN_SECRET: 'short',
      ACCESS_TOKEN_TTL_SECONDS: '5',
      TOKEN_CACHE_SIZE: '-1',
      MAX_BODY_BYTES: '100',
      SIM_SWAP_MAX_AGE_CAP_HOURS: '2401',
      SIM_SWAP_MONITORED_DAYS: '1.5',
      LOG_LEVEL: 'loud',
      SHUTDOWN_GRACE_MS: '1e9',
    };
    const problems = problemsOf(bad);
    expect(named(problems)).toEqual(Object.keys(bad).sort());
    const error = new ConfigError(problems);
    for (const problem of problems) expect(error.message).toContain(`\n  - ${problem}`);
  });

  it('never repeats a secret value in its problems', () => {
    const problems = problemsOf({
      TOKEN_SECRET: 'hunter2-hunter2',
      SIGNING_KEYS: '{"keys":[{"d":"topsecret"',
    });
    expect(named(problems)).toEqual(['SIGNING_KEYS', 'TOKEN_SECRET']);
    expect(problems.join('\n')).not.toMatch(/hunter2|topsecret/);
  });

  it.each([
    ['not JSON', 'nope'],
    ['no keys', '{"keys":[]}'],
    ['a public key only', '{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b"}]}'],
    ['an RSA key', '{"keys":[{"kty":"RSA","n":"a","e":"AQAB","d":"c"}]}'],
  ])('SIGNING_KEYS with %s is refused at start, not at the first token', (_label, value) => {
    expect(named(problemsOf({ SIGNING_KEYS: value }))).toEqual(['SIGNING_KEYS']);
  });

  describe('production', () => {
    it('requires SIGNING_KEYS, TOKEN_SECRET, PUBLIC_URL, PSEUDONYM_KEYS, PURPOSE_REGISTRY and NETWORK_BACKEND=http', () => {
      expect(named(problemsOf({ NODE_ENV: 'production' }))).toEqual([
        'NETWORK_BACKEND',
        'PSEUDONYM_KEYS',
        'PUBLIC_URL',
        'PURPOSE_REGISTRY',
        'SIGNING_KEYS',
        'TOKEN_SECRET',
      ]);
    });

    it('lists its requirements together with the other bad variables', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        PORT: 'http',
        TOKEN_SECRET: TOKEN_SECRET,
        PSEUDONYM_KEYS: PSEUDONYM_KEYS,
        PURPOSE_REGISTRY,
        NETWORK_BACKEND: 'http',
        NETWORK_HTTP_URL: 'https://bss.operator.example',
        NETWORK_HTTP_TOKEN: 't',
      });
      expect(named(problems)).toEqual(['PORT', 'PUBLIC_URL', 'SIGNING_KEYS']);
    });

    it.each([
      ['unset (the sandbox default)', undefined],
      ['blank', ' '],
      ['sandbox', 'sandbox'],
    ])('refuses NETWORK_BACKEND %s: the sandbox is never served in production', async (_label, value) => {
      const env = await productionEnv({
        NETWORK_BACKEND: value,
        NETWORK_HTTP_URL: undefined,
        NETWORK_HTTP_TOKEN: undefined,
      });
      expect(problemsOf(env)).toEqual([
        'NETWORK_BACKEND: must be set to http in production (the sandbox backend serves published demo credentials)',
      ]);
    });

    it('refuses an http PUBLIC_URL: the consent cookies keep Secure and the answers HSTS', async () => {
      const env = await productionEnv({ PUBLIC_URL: 'http://api.operator.example' });
      expect(problemsOf(env)).toEqual(['PUBLIC_URL: must be https:// in production']);
      expect(parseConfig({ ...env, NODE_ENV: 'development' }).publicUrl).toBe('http://api.operator.example');
    });

    it.each([
      ['unset', undefined],
      ['blank', ' '],
    ])(
      'refuses PURPOSE_REGISTRY %s: production never runs on the sandbox registry',
      async (_label, value) => {
        const env = await productionEnv({ PURPOSE_REGISTRY: value });
        expect(problemsOf(env)).toEqual([
          "PURPOSE_REGISTRY: required in production (the operator's purposes and legal bases; on Node PURPOSE_REGISTRY_FILE); the sandbox registry is for development",
        ]);
        expect(parseConfig({ NODE_ENV: 'development' }).purposeRegistry).toBeUndefined();
      },
    );

    it('refuses JWKS_URI_ALLOW_HTTP_LOOPBACK: the jwks_uri SSRF guard has no hole in production', async () => {
      const env = await productionEnv({ JWKS_URI_ALLOW_HTTP_LOOPBACK: 'true' });
      expect(problemsOf(env)).toEqual([
        'JWKS_URI_ALLOW_HTTP_LOOPBACK: never in production (development and tests only)',
      ]);
      expect(parseConfig({ JWKS_URI_ALLOW_HTTP_LOOPBACK: 'true' }).jwksUri).toEqual({
        allowHttpLoopback: true,
      });
    });

    it('starts with the four set and the operator BSS backend', async () => {
      const config = parseConfig(await productionEnv());
      expect(config).toMatchObject({
        env: 'production',
        tokenSecret: TOKEN_SECRET,
        redisUrl: undefined,
        networkBackend: 'http',
      });
    });
  });
});
