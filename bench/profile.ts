import { readFile } from 'node:fs/promises';

/** Self time from a V8 .cpuprofile (node --cpu-prof), by package and by function. */
type CpuProfile = {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }[];
};

export type ProfileSummary = {
  /** Share of the busy (non-idle) samples, by group, largest first. */
  groups: [string, number][];
  /**
   * Share of the busy samples by the part of the platform that caused them: the first frame of
   * src/ or apis/ from the sampled function outwards decides, so a library's work (a digest, a
   * Redis command being built) counts for the step that asked for it. Samples with no such frame
   * are the server's own machinery (HTTP, the router, Redis replies, garbage collection), by group.
   */
  features: [string, number][];
  functions: [string, number][];
};

/** Our files, by the pipeline step or part they serve (DESIGN §2), first match wins. */
const FEATURES: [RegExp, string][] = [
  [/\/src\/pipeline\/step\.ts$/, 'pipeline runner (steps, one batch)'],
  [
    /\/src\/(pipeline\/token|auth\/(resource-guard|tokens|token-cache|access-context|scope))\.ts$/,
    '2. token check (cached verification)',
  ],
  [
    /\/src\/(pipeline\/application|auth\/application-status|admin\/(applications|partners))\.ts$/,
    '2. application standing (kill switch)',
  ],
  [/\/src\/(pipeline\/revocation|auth\/revocation)\.ts$/, '2. revocation'],
  [/\/src\/(pipeline\/rate-limit|ratelimit\/|http\/ratelimit-headers)/, '3. rate limit and its headers'],
  [/\/src\/(pipeline\/body|http\/(json-body|read-stream)|runtime\/)/, '4. body read and JSON check'],
  [/\/src\/(pipeline\/legal-basis|consent\/|privacy\/)/, '7. legal basis (consent reads, pseudonym)'],
  [/\/src\/store\//, 'store engine (batch script, replies)'],
  [/\/src\/metrics\//, 'metrics'],
  [
    /\/src\/(app|http\/(security-headers|correlator|request-header|on-error))\.ts$/,
    '1. x-correlator and security headers',
  ],
  [/\/apis\//, '5–9. the route: validation, lookup, answer'],
  [/\/src\//, 'other platform code'],
];

/** Helpers every part uses: their time counts for the part that called them. */
const SHARED = /\/src\/(hash|clock|errors|log|store\/keys|store\/port)\.ts$/;

function featureOf(url: string): string | undefined {
  if (!/\/(src|apis)\//.test(url) || url.includes('/node_modules/') || SHARED.test(url)) return undefined;
  for (const [pattern, name] of FEATURES) if (pattern.test(url)) return name;
  return undefined;
}

const GROUPS: [RegExp, string][] = [
  [/node_modules\/@hono\/node-server\//, 'HTTP adapter: @hono/node-server (Node req/res ↔ Request/Response)'],
  [/node_modules\/@hono\/zod-openapi\/|node_modules\/zod\//, 'zod validation (zod, @hono/zod-openapi)'],
  [/node_modules\/hono\//, 'Hono routing (router, context, middleware chain)'],
  [/node_modules\/jose\//, 'jose (JWT signing and verification)'],
  [
    /node_modules\/(ioredis|redis-parser|@ioredis|standard-as-callback|cluster-key-slot|denque)\//,
    'Redis client (ioredis)',
  ],
  [
    /node_modules\/(fastify|@fastify\/|fast-jwt|find-my-way|avvio|secure-json-parse|ajv|fast-json-stringify|light-my-request|abstract-logging|pino)/,
    'peer: fastify, @fastify/jwt, fast-jwt, @fastify/rate-limit, ajv',
  ],
  [/\/bench\/peer-server\.ts/, "peer: the benchmark service's own code"],
  [/^file:.*\/(src|apis)\/[^/]+/, 'our code (src/, apis/)'],
  [
    /^node:internal\/(deps\/undici|webstreams|streams\/web)|undici/,
    'Node web streams / undici (Request, Response bodies)',
  ],
  [/^node:internal\/crypto|^node:crypto/, 'Node crypto (digests, Web Crypto)'],
  [
    /^node:(internal\/)?(http|_http)|^node:internal\/(http|streams)|^node:(net|stream)|^node:internal\/stream_base/,
    'HTTP parsing and sockets (Node http, net, streams)',
  ],
  [/^node:/, 'other Node core'],
];

const SOCKET_WRITES = new Set([
  'writev',
  'writeUtf8String',
  'writeBuffer',
  'writeLatin1String',
  'writeAsciiString',
]);

function groupOf(functionName: string, url: string): string {
  if (url === '') {
    if (SOCKET_WRITES.has(functionName)) return 'socket writes (send syscalls: responses, Redis commands)';
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return 'V8 / native (program)';
    return 'native';
  }
  for (const [pattern, name] of GROUPS) if (pattern.test(url)) return name;
  return 'other';
}

export async function summarise(file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  const features = new Map<string, number>();
  const parentOf = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const featureCache = new Map<number, string>();
  const featureAt = (id: number): string => {
    const cached = featureCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    const parent = parentOf.get(id);
    const own = node === undefined ? undefined : featureOf(node.callFrame.url);
    const feature = own ?? (parent === undefined ? '' : featureAt(parent));
    featureCache.set(id, feature);
    return feature;
  };
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)' || functionName === '(root)') continue;
    busy += hits;
    const group = groupOf(functionName, url);
    groups.set(group, (groups.get(group) ?? 0) + hits);
    // No platform frame on the stack: the server's own machinery, by what was running.
    const feature = featureAt(node.id) || `no platform frame: ${group}`;
    features.set(feature, (features.get(feature) ?? 0) + hits);
    const where =
      url === ''
        ? ''
        : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|apis|bench)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    functions.set(key, (functions.get(key) ?? 0) + hits);
  }
  const share = (m: Map<string, number>) =>
    [...m].map(([k, v]): [string, number] => [k, v / Math.max(1, busy)]).sort((a, b) => b[1] - a[1]);
  return { groups: share(groups), features: share(features), functions: share(functions).slice(0, top) };
}
