import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The first port of the kernel's range for outgoing connections (Linux: 32768 by default). A port
 * probed free inside that range can be taken, before its server binds it, as the local end of any
 * outgoing connection (a Redis client's, an HTTP client's): ports below it are not handed out so.
 */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : undefined;
  } catch {
    return undefined;
  }
}

function listensOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address() as { port: number };
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * A loopback port nobody listens on right now, for a server a test or script starts next. On Linux
 * it is drawn at random below the range of outgoing connections' ports, so that only another probe
 * (1 chance in about 10,000) can take it before the server binds it; elsewhere the kernel picks.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low !== undefined) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await listensOn(10_000 + Math.floor(Math.random() * (low - 10_000)));
      if (port !== undefined) return port;
    }
  }
  const port = await listensOn(0);
  if (port === undefined) throw new Error('no free loopback port');
  return port;
}

/** Whether a server's output says that its port was taken between the probe and its bind. */
export function lostItsPort(output: string): boolean {
  return /EADDRINUSE|Address already in use/.test(output);
}

/**
 * Starts a server on a free port, again on another (twice at most) when the start failed because
 * its port was taken between the probe and the bind: `start` rejects with the server's output.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === 3 || !(error instanceof Error) || !lostItsPort(error.message)) throw error;
    }
  }
}
