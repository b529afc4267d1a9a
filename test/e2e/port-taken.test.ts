import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.js';
import { runToExit } from './support/process.js';

/**
 * An operator starting a second copy on a port already taken reads one log line naming the
 * address and the reason, and the process exits 1: no stack trace of an unhandled 'error' event.
 */
describe('the Node entry on a port already taken', () => {
  let holder: Server | undefined;
  afterEach(async () => {
    holder?.close();
    holder = undefined;
  });

  async function takePort(): Promise<number> {
    const port = await freePort();
    holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    return port;
  }

  const cannotListen = (output: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'cannot listen');

  it('API port: exits 1 with "cannot listen", the address and EADDRINUSE', async () => {
    const port = await takePort();
    const { code, output } = await runToExit({ PORT: String(port) });
    expect(code).toBe(1);
    expect(cannotListen(output)).toMatchObject({
      level: 'error',
      address: `127.0.0.1:${port}`,
      reason: 'EADDRINUSE',
    });
    expect(output).not.toContain("Unhandled 'error' event");
    expect(output).not.toContain('camara-gateway listening');
  });

  it('metrics port: exits 1 the same way, before the API listens', async () => {
    const port = await takePort();
    const { code, output } = await runToExit({ METRICS_PORT: String(port) });
    expect(code).toBe(1);
    expect(cannotListen(output)).toMatchObject({ address: `127.0.0.1:${port}`, reason: 'EADDRINUSE' });
    expect(output).not.toContain('camara-gateway listening');
  });
});
