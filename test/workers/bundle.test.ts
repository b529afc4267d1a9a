import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The Worker bundle as `wrangler deploy` would upload it (--dry-run, offline): its compressed size
 * against Cloudflare's 3 MiB Worker limit (paid plan), and what it reaches, from esbuild's
 * metafile. Nothing of the Node entry may be in it; Node built-ins only where ioredis needs them,
 * each one that nodejs_compat provides.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, '.tmp', 'worker-bundle');
const LIMIT_GZIP_BYTES = 3 * 1024 * 1024;

/** Node built-ins of the ioredis dependency tree, all provided by workerd's nodejs_compat. */
const NODEJS_COMPAT = [
  'assert',
  'buffer',
  'crypto',
  'diagnostics_channel',
  'dns',
  'events',
  'fs',
  'net',
  'path',
  'stream',
  'string_decoder',
  'tls',
  'tty',
  'util',
];
/** The packages that may import a Node built-in: ioredis and its dependencies. */
const IOREDIS_TREE =
  /^node_modules\/(ioredis|@ioredis\/[^/]+|debug|denque|redis-parser|redis-errors|standard-as-callback|cluster-key-slot|ms)\//;

type Metafile = { inputs: Record<string, { imports?: { path: string; external?: boolean }[] }> };

let meta: Metafile;
let gzipBytes: number;

beforeAll(async () => {
  await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'deploy',
      '--dry-run',
      '--outdir',
      OUT,
      '--metafile',
      path.join(OUT, 'meta.json'),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? ROOT,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_LOG_PATH: path.join(OUT, 'logs'),
      },
    },
  );
  meta = JSON.parse(readFileSync(path.join(OUT, 'meta.json'), 'utf8')) as Metafile;
  const bundle = readFileSync(path.join(OUT, 'worker.js'));
  gzipBytes = gzipSync(bundle).length;
  console.log(
    `Worker bundle: ${(bundle.length / 1024).toFixed(1)} KiB, gzipped ${(gzipBytes / 1024).toFixed(1)} KiB`,
  );
}, 120_000);

/** Every (built-in, importer) pair of the bundle. */
function builtinImports(): { name: string; importer: string }[] {
  const pairs: { name: string; importer: string }[] = [];
  for (const [importer, input] of Object.entries(meta.inputs)) {
    if (importer.startsWith('node-built-in-modules:')) continue;
    for (const imp of input.imports ?? []) {
      const builtin = /^(?:node-built-in-modules:)?(?:node:)?([a-z_]+)$/.exec(imp.path);
      const isBuiltin = imp.path.startsWith('node-built-in-modules:') || imp.path.startsWith('node:');
      if (builtin && (isBuiltin || imp.external)) pairs.push({ name: builtin[1] as string, importer });
    }
  }
  return pairs;
}

describe('the Worker bundle (wrangler deploy --dry-run)', () => {
  it('stays under the 3 MiB compressed Worker limit', () => {
    expect(gzipBytes).toBeGreaterThan(0);
    expect(gzipBytes).toBeLessThan(LIMIT_GZIP_BYTES);
  });

  it('holds the platform and nothing of the Node entry', () => {
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('src/worker.ts');
    expect(inputs).toContain('src/runtime/web.ts');
    expect(inputs).toContain('src/store/redis.ts');
    const nodeOnly = inputs.filter((i) =>
      /^(src\/node\.ts|src\/node-server\.ts|src\/runtime\/node\.ts|node_modules\/@hono\/node-server\/)/.test(
        i,
      ),
    );
    expect(nodeOnly).toEqual([]);
  });

  it('imports Node built-ins only from ioredis and the Redis engine, each one nodejs_compat provides', () => {
    const pairs = builtinImports();
    expect(pairs.length).toBeGreaterThan(0);
    expect([...new Set(pairs.map((p) => p.name))].sort()).toEqual(NODEJS_COMPAT);
    const outside = pairs.filter(
      (p) => !IOREDIS_TREE.test(p.importer) && p.importer !== 'src/store/redis.ts',
    );
    expect(outside).toEqual([]);
  });
});
