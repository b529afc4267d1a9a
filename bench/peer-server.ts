import fastifyJwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { announce, fail, PEER_AUDIENCE, PEER_ISSUER, PEER_SCOPE } from './child.js';

/**
 * The peer: the service a Node team would write for the same check, with the usual libraries.
 * fastify 5; @fastify/jwt verifying an ES256 access token (iss, aud, exp required and checked;
 * fast-jwt's verify cache on when BENCH_PEER_CACHE=on, since the platform caches verified tokens
 * too); the `sim-swap:check` scope; @fastify/rate-limit on the same Redis (ioredis, its one Lua
 * script per call) keyed by the token's client; the body validated by JSON schema without
 * coercion; a subscriber lookup; the same JSON answer.
 */

type Claims = { client_id?: string; scope?: string };
type CheckBody = { phoneNumber: string; maxAge?: number };

// Subscribers whose SIM changed within the window, as the platform's sandbox lookup answers.
const SWAPPED_AT = new Map<string, number>([['+34600000001', Date.now() - 60 * 60_000]]);

async function main(): Promise<void> {
  const publicKey = process.env.BENCH_PEER_PUBLIC_KEY;
  const url = process.env.BENCH_REDIS_URL;
  if (!publicKey || !url) throw new Error('BENCH_PEER_PUBLIC_KEY and BENCH_REDIS_URL are required');
  const cache = process.env.BENCH_PEER_CACHE === 'on';

  const redis = new Redis(url, { keyPrefix: 'peer:', enableAutoPipelining: true });
  await redis.ping();

  const app = Fastify({
    logger: false,
    // Fastify's default Ajv coerces types ("240" would pass as 240); the platform does not.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  await app.register(fastifyJwt, {
    secret: { public: publicKey },
    verify: {
      algorithms: ['ES256'],
      allowedIss: PEER_ISSUER,
      allowedAud: PEER_AUDIENCE,
      requiredClaims: ['iss', 'aud', 'exp'],
      cache,
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    await request.jwtVerify();
    const scope = (request.user as Claims).scope ?? '';
    if (!scope.split(' ').includes(PEER_SCOPE)) {
      return reply.code(403).send({ code: 'PERMISSION_DENIED', message: 'missing scope' });
    }
  });
  // After the token (the key is the authenticated client), before the body is validated.
  await app.register(rateLimit, {
    hook: 'preValidation',
    redis,
    nameSpace: 'rl:',
    max: 1_000_000_000,
    timeWindow: 1000,
    keyGenerator: (request) => (request.user as Claims).client_id ?? 'anonymous',
  });

  app.post<{ Body: CheckBody }>(
    '/sim-swap/v2/check',
    {
      schema: {
        body: {
          type: 'object',
          required: ['phoneNumber'],
          additionalProperties: false,
          properties: {
            phoneNumber: { type: 'string', pattern: '^\\+[1-9][0-9]{4,14}$' },
            maxAge: { type: 'integer', minimum: 1, maximum: 2400 },
          },
        },
        response: {
          200: { type: 'object', required: ['swapped'], properties: { swapped: { type: 'boolean' } } },
        },
      },
    },
    async (request) => {
      const at = SWAPPED_AT.get(request.body.phoneNumber);
      const since = Date.now() - (request.body.maxAge ?? 240) * 3_600_000;
      return { swapped: at !== undefined && at >= since };
    },
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  announce(port, async () => {
    await app.close();
    redis.disconnect();
  });
}

main().catch(fail);
