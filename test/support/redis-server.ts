import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';

/** A TLS server's certificate and key, and the CA it trusts (test/support/tls-certs.ts). */
export type ServerTls = { certFile: string; keyFile: string; caFile: string };

/**
 * A redis-server of the test's own, so that a test may kill, freeze and restart it without
 * disturbing the shared server of the run. Without persistence (a restart loses every key) unless
 * given a directory: then with the AOF settings docs/operations.md asks of production.
 */
export class OwnRedis {
  private process: ChildProcess | undefined;

  constructor(
    readonly port: number,
    /**
     * AOF persistence in `dir` (everysec, noeviction), TLS only (no plain port; clients are not
     * asked for a certificate), and more redis-server arguments (a cluster node's, ACL users).
     */
    private readonly options: {
      persistence?: { dir: string };
      tls?: ServerTls;
      extraArgs?: readonly string[];
    } = {},
  ) {}

  /** The server's URL, without credentials. */
  get url(): string {
    return `${this.options.tls ? 'rediss' : 'redis'}://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.process?.pid === undefined) throw new Error('redis-server is not running');
    return this.process.pid;
  }

  /** Starts the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--save', ''];
    const tls = this.options.tls;
    if (tls === undefined) args.push('--port', String(this.port));
    else {
      args.push('--port', '0', '--tls-port', String(this.port), '--tls-auth-clients', 'no');
      args.push(
        '--tls-cert-file',
        tls.certFile,
        '--tls-key-file',
        tls.keyFile,
        '--tls-ca-cert-file',
        tls.caFile,
      );
    }
    const persistence = this.options.persistence;
    if (persistence === undefined) args.push('--appendonly', 'no');
    else {
      args.push('--dir', persistence.dir, '--appendonly', 'yes', '--appendfsync', 'everysec');
      args.push('--maxmemory-policy', 'noeviction');
    }
    args.push(...(this.options.extraArgs ?? []));
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run redis-server (is it on PATH?): ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** SHUTDOWN, as an operator restarts Redis: it writes what it must, then exits. */
  async shutdown(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    // The server closes the connection instead of answering.
    await client.call('SHUTDOWN').catch(() => undefined);
    client.disconnect();
    await exited;
  }

  /** SIGKILL, like a crash: no goodbye to the clients, no chance to save. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP / SIGCONT: a server that keeps its connections open and stops answering. */
  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.pid, 'SIGCONT');
  }
}
