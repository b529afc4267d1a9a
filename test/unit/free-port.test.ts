import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { freePort, lostItsPort } from '../../scripts/free-port.js';

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
});
