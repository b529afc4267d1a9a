import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, base64url } from 'jose';
import { freePort, onFreePort } from '../../../scripts/free-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export type PlatformProcess = {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
};

/** Shared secrets of one deployment: what every process of it is configured with. */
export async function deploymentSecrets(): Promise<{ SIGNING_KEYS: string; TOKEN_SECRET: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'e2e-1' };
  return {
    SIGNING_KEYS: JSON.stringify({ keys: [jwk] }),
    TOKEN_SECRET: base64url.encode(crypto.getRandomValues(new Uint8Array(32))),
  };
}

/**
 * The entry a process runs: the TypeScript source through tsx (default), or a compiled entry
 * (`npm run build`: dist/src/node.js) run by node alone, as production runs it.
 */
export type EntryOptions = { entry?: string };

/**
 * Starts the platform's Node entry (src/node.ts) in its own OS process, as an operator would run
 * a second replica, and resolves once it listens.
 */
export async function startProcess(
  env: Record<string, string>,
  options: EntryOptions = {},
): Promise<PlatformProcess> {
  return onFreePort((port) => startProcessOn(port, env, options));
}

async function startProcessOn(
  port: number,
  env: Record<string, string>,
  options: EntryOptions,
): Promise<PlatformProcess> {
  const child = spawnEntry(port, env, options);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line from the Node entry:\n${output}`)),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"camara-gateway listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Node entry exited with ${String(code)}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    output: () => output,
    exited,
    kill: (signal) => child.kill(signal),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function spawnEntry(
  port: number,
  env: Record<string, string>,
  options: EntryOptions = {},
): ChildProcessByStdio<null, Readable, Readable> {
  const args = options.entry === undefined ? ['--import', 'tsx', 'src/node.ts'] : [options.entry];
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the Node entry with a configuration it must refuse: resolves with its exit code and output. */
export async function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawnEntry(await freePort(), env);
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    // It started after all: stop it, so that the test fails on its exit code instead of hanging.
    if (output.includes('"camara-gateway listening"')) child.kill('SIGKILL');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}
