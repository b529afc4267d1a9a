import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NV, IDENTITY, startIdentityServer, type IdentityServer } from '../e2e/support/identity.js';

/**
 * Red-team finding F1, replayed over a real socket. The deployment follows the README: the edge
 * (127.0.0.1, TRUSTED_PROXIES) writes X-Forwarded-For, and the operator names that header. The
 * attacker's browser adds a forwarding header of its own to pass as another subscriber's device
 * and get `devicePhoneNumberVerified: true` for a number that is not its own.
 */
const SCOPE = `${IDENTITY} ${NV.verify}`;
const VERIFY = '/number-verification/v2/verify';
const VICTIM = '+34600000001'; // sandbox device 198.51.100.1
const CGNAT_VICTIM = '+34600000010'; // sandbox device 198.51.100.10:40010
// An edge that writes no port header (blank: unset, over the helper's default).
const EDGE = { TRUSTED_PROXIES: '127.0.0.1', CLIENT_IP_HEADER: 'x-forwarded-for', CLIENT_PORT_HEADER: '' };

const verified = async (s: IdentityServer, token: string, phoneNumber: string) => {
  const res = await s.post(VERIFY, { phoneNumber }, token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { devicePhoneNumberVerified: boolean }).devicePhoneNumberVerified;
};

describe.each(['memory', 'redis'] as const)(
  'a client-written forwarding header names no device (%s)',
  (engine) => {
    let s: IdentityServer;
    let withPort: IdentityServer;
    beforeAll(async () => {
      s = await startIdentityServer(engine, { env: EDGE });
      withPort = await startIdentityServer(engine, {
        env: { ...EDGE, CLIENT_PORT_HEADER: 'x-forwarded-port' },
      });
    });
    afterAll(async () => {
      await s?.close();
      await withPort?.close();
    });

    it('the real device, as the edge names it, is verified (control)', async () => {
      const { token } = await s.tokens.authorizeWith(SCOPE, { 'x-forwarded-for': '198.51.100.1' });
      expect(await verified(s, token as string, VICTIM)).toBe(true);
    });

    it("refuses `Forwarded: for=198.51.100.1` written by the client beside the edge's X-Forwarded-For", async () => {
      const attack = { 'x-forwarded-for': '203.0.113.50', forwarded: 'for=198.51.100.1' };
      expect(await s.tokens.authorizeWith(SCOPE, attack)).toEqual({ error: 'access_denied' });
      // X-Real-IP and a client-written X-Forwarded-For entry on the left do not pass either.
      expect(await s.tokens.authorizeWith(SCOPE, { ...attack, 'x-real-ip': '198.51.100.1' })).toEqual({
        error: 'access_denied',
      });
      const prepended = { 'x-forwarded-for': '198.51.100.1, 203.0.113.50' };
      expect(await s.tokens.authorizeWith(SCOPE, prepended)).toEqual({ error: 'access_denied' });
    });

    it('refuses a client-written X-Forwarded-Port: 40010 to pass as the CGNAT device of +34600000010', async () => {
      // A subscriber behind the same CGNAT address: the edge names the IP, the client adds the port.
      const attack = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010' };
      expect(await s.tokens.authorizeWith(SCOPE, attack)).toEqual({ error: 'access_denied' });
      // Where the edge writes the port, it overwrites the client's; an appended one is refused.
      const edgeOverwrote = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '51234' };
      expect(await withPort.tokens.authorizeWith(SCOPE, edgeOverwrote)).toEqual({ error: 'access_denied' });
      const appended = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010, 51234' };
      expect(await withPort.tokens.authorizeWith(SCOPE, appended)).toEqual({ error: 'access_denied' });
      // The device itself, as such an edge names it, is verified (control).
      const { token } = await withPort.tokens.authorizeWith(SCOPE, attack);
      expect(await verified(withPort, token as string, CGNAT_VICTIM)).toBe(true);
    });
  },
);
