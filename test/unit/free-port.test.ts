import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { freePort, lostItsPort, onFreePort } from '../../scripts/free-port.js';

describe("freePort (the test servers' ports)", () => {
  it('is below the range of outgoing connections, and can be bound at once', async () => {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) expect(port).toBeLessThan(low);
    const server = createServer().listen(ports[0], '127.0.0.1');
    await once(server, 'listening');
    server.close();
  });

  it("knows wrangler's and Node's words for a port taken", () => {
    expect(lostItsPort('Address already in use (127.0.0.1:37697)')).toBe(true);
    expect(lostItsPort('Error: listen EADDRINUSE: address already in use 127.0.0.1:23456')).toBe(true);
    expect(lostItsPort('wrangler dev exited with 1: SIGNING_KEYS invalid')).toBe(false);
  });

  it('onFreePort starts again on another port when the port was taken, twice at most', async () => {
    const tried: number[] = [];
    const takenOnce = await onFreePort(async (port) => {
      tried.push(port);
      if (tried.length === 1) throw new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
      return port;
    });
    expect(tried).toHaveLength(2);
    expect(takenOnce).toBe(tried[1]);

    let starts = 0;
    const alwaysTaken = onFreePort(async () => {
      starts++;
      throw new Error('Address already in use');
    });
    await expect(alwaysTaken).rejects.toThrow('Address already in use');
    expect(starts).toBe(3);
  });

  it('onFreePort gives up at once on any other failure', async () => {
    let starts = 0;
    const refused = onFreePort(async () => {
      starts++;
      throw new Error('wrangler dev exited with 1: SIGNING_KEYS invalid');
    });
    await expect(refused).rejects.toThrow('SIGNING_KEYS invalid');
    expect(starts).toBe(1);
  });
});
