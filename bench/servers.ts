import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../scripts/free-port.js';
import type { ChildMessage, ParentMessage } from './child.js';

/** The parent's side: each server under test runs in its own process, away from the load generator. */
export type ServerProcess = {
  port: number;
  /** The server's process id (its memory is read from /proc/<pid>/status). */
  pid: number;
  /** CPU time of the server process so far (user, system), in microseconds. */
  cpu(): Promise<NodeJS.CpuUsage>;
  /** Starts the V8 CPU profiler in the server process; the returned function stops it into `file`. */
  profile(): Promise<(file: string) => Promise<void>>;
  stop(): Promise<void>;
};

const STARTUP_MS = 60_000;

/**
 * Starts `script` in its own Node process: TypeScript through tsx, or (`compiled`) a JavaScript
 * file run by Node alone.
 */
export async function startServer(
  script: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  compiled = false,
): Promise<ServerProcess> {
  const loader = compiled ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    // The servers' output goes to stderr: stdout is the report (JSON with --json).
    stdio: ['ignore', 2, 2, 'ipc'],
    env: { ...process.env, ...env },
  });
  let timer: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${script} did not start`)), STARTUP_MS);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve(m.port);
      if (m.type === 'failed') reject(new Error(`${script}: ${m.error}`));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('error', reject);
  }).finally(() => clearTimeout(timer));
  return {
    port,
    pid: child.pid ?? 0,
    cpu: async () => {
      const reply = await ask(child, { type: 'cpu' }, 'cpu');
      return reply.type === 'cpu' ? reply.usage : { user: 0, system: 0 };
    },
    profile: async () => {
      await ask(child, { type: 'profile-start' }, 'profiling');
      return async (file) => {
        await ask(child, { type: 'profile-stop', file }, 'profiled');
      };
    },
    stop: () => stopProcess(child),
  };
}

/** Sends `message` to the server process and resolves with its first reply of type `reply`. */
function ask(
  child: ChildProcess,
  message: ParentMessage,
  reply: ChildMessage['type'],
): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== reply) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    if (!child.send(message)) reject(new Error('server process is gone'));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** redis-server's counters at one moment (one `INFO everything`). */
export type RedisSnapshot = {
  /** User + system CPU time of redis-server so far (used_cpu_user + used_cpu_sys), µs. */
  cpuMicros: number;
  /**
   * Calls per command so far (INFO commandstats), without the benchmark's own INFO calls.
   * Commands a Lua script runs are counted as well as the script call itself.
   */
  calls: Record<string, number>;
  /**
   * Read events on client sockets so far (total_reads_processed): each is one batch of
   * commands a client sent and waits on, i.e. one network round trip, however many commands
   * a pipeline or a script packs into it.
   */
  reads: number;
};

export type RedisProcess = {
  url: string;
  snapshot(): Promise<RedisSnapshot>;
  stop(): Promise<void>;
};

/** A throwaway redis-server on a free port, without persistence (nothing is written to disk). */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  // Never left behind, even when the run is interrupted (run.ts turns signals into an exit).
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new Error(`redis-server could not start: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on('error', () => {});
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const ready = await Promise.race([
      client.ping().then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('redis-server did not answer');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    snapshot: async () => {
      const info = await client.info('everything');
      const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
      const calls: Record<string, number> = {};
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
        if (m[1] !== undefined && m[1] !== 'info') calls[m[1]] = Number(m[2]);
      }
      return {
        cpuMicros: Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6),
        calls,
        reads: field('total_reads_processed'),
      };
    },
    stop: async () => {
      client.disconnect();
      exited.catch(() => {});
      await stopProcess(child);
    },
  };
}
