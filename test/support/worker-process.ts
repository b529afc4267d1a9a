import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onFreePort } from '../../scripts/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Worker (src/worker.ts) in a local workerd, started as `npm run dev:worker` starts it. */
export type WorkerProcess = {
  url: string;
  port: number;
  /** Everything wrangler and the Worker wrote so far (the Worker's log lines included). */
  output(): string;
  /**
   * Resolves with the output once it holds `text`: the Worker's log lines reach wrangler's output
   * after the response that caused them.
   */
  outputWith(text: string): Promise<string>;
  stop(): Promise<void>;
};

type WorkerEnv = Record<string, string>;

/**
 * Runs scripts/dev-worker.ts (wrangler dev, offline) with `env` as the Worker's configuration and
 * resolves once it listens. `env` may be built from the Worker's URL (PUBLIC_URL names it).
 */
export function startWorker(env: WorkerEnv | ((url: string) => WorkerEnv)): Promise<WorkerProcess> {
  return onFreePort((port) =>
    startWorkerOn(port, typeof env === 'function' ? env(`http://127.0.0.1:${port}`) : env),
  );
}

async function startWorkerOn(listen: number, env: WorkerEnv): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? ROOT, PORT: String(listen), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${output}`)), 60_000);
    const check = () => {
      if (!output.includes('Ready on')) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve();
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${listen}`,
    port: listen,
    output: () => output,
    outputWith: (text) =>
      new Promise((resolve, reject) => {
        if (output.includes(text)) return resolve(output);
        const timer = setTimeout(() => reject(new Error(`no "${text}" in:\n${output}`)), 20_000);
        const check = () => {
          if (!output.includes(text)) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve(output);
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
