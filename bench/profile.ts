import { readFile } from 'node:fs/promises';

/** Self time from a V8 .cpuprofile (node --cpu-prof), by package and by function. */
type CpuProfile = {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
};

export type ProfileSummary = {
  /** Share of the busy (non-idle) samples, by group, largest first. */
  groups: [string, number][];
  functions: [string, number][];
};

const GROUPS: [RegExp, string][] = [
  [/node_modules\/@hono\/node-server\//, 'HTTP adapter: @hono/node-server (Node req/res ↔ Request/Response)'],
  [/node_modules\/@hono\/zod-openapi\/|node_modules\/zod\//, 'zod validation (zod, @hono/zod-openapi)'],
  [/node_modules\/hono\//, 'Hono routing (router, context, middleware chain)'],
  [/node_modules\/jose\//, 'jose (JWT signing and verification)'],
  [
    /node_modules\/(ioredis|redis-parser|@ioredis|standard-as-callback|cluster-key-slot|denque)\//,
    'Redis client (ioredis)',
  ],
  [/\/(src|apis)\/[^/]+/, 'our code (src/, apis/)'],
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
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || functionName === '(idle)' || functionName === '(root)') continue;
    busy += hits;
    const group = groupOf(functionName, url);
    groups.set(group, (groups.get(group) ?? 0) + hits);
    const where =
      url === ''
        ? ''
        : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|apis|bench)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    functions.set(key, (functions.get(key) ?? 0) + hits);
  }
  const share = (m: Map<string, number>) =>
    [...m].map(([k, v]): [string, number] => [k, v / Math.max(1, busy)]).sort((a, b) => b[1] - a[1]);
  return { groups: share(groups), functions: share(functions).slice(0, top) };
}
