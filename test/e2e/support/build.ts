import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type Build = {
  /** The compiled Node entry, run with `node` alone (no tsx). */
  entry: string;
  remove(): Promise<void>;
};

/**
 * The production build (`npm run build`: tsconfig.build.json) into a directory of its own under
 * .tmp/, so that a test never races the operator's dist/ nor another test's build.
 */
export async function buildOnce(): Promise<Build> {
  const outDir = path.join(ROOT, '.tmp', `build-${crypto.randomUUID().slice(0, 8)}`);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the production build failed (${String(code)}):\n${output}`);
  return {
    entry: path.join(outDir, 'src', 'node.js'),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
