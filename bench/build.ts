import path from 'node:path';
import { build } from 'esbuild';

/**
 * The platform's bench server compiled ahead of time to one JavaScript file (esbuild, the
 * compiler tsx runs on the fly), for the "compiled JS" scenario: the same code without the
 * loader and without tsx's `keepNames`, which defines a `name` on every named closure created per
 * call. Packages stay external (resolved from node_modules as under tsx); JSON imports are inlined.
 */
export async function compilePlatformServer(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'platform-server.mjs');
  await build({
    entryPoints: ['bench/platform-server.ts'],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    logLevel: 'error',
  });
  return outfile;
}
