import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP, demoApp, FRAUD, type ConsentServer } from '../e2e/support/consent.js';
import { startTarget } from '../support/targets.js';

/**
 * Network-based authentication on the Worker: the device is CF-Connecting-IP, the address
 * Cloudflare's edge saw, and it plays the TCP peer of the Node entry. TRUSTED_PROXIES and
 * CLIENT_IP_HEADER apply to it as on Node: without them, no forwarding header a client writes
 * names a device. Sandbox device 198.51.100.1 is +34600000001.
 */
describe.each([
  ['no proxy trusted', { TRUSTED_PROXIES: '', CLIENT_IP_HEADER: '', CLIENT_PORT_HEADER: '' }, false],
  ['the local edge (127.0.0.1) trusted for X-Forwarded-For', {}, true],
] as const)('the device address on the Worker: %s', (_name, env, believed) => {
  let s: ConsentServer;
  let config: client.Configuration;
  beforeAll(async () => {
    s = await startTarget({ runtime: 'worker', engine: 'memory' }, env);
    config = await demoApp(s);
  });
  afterAll(async () => s?.close());

  /** Where /oauth2/authorize sends the browser under prompt=none, for these request headers. */
  async function authorize(headers: Record<string, string>) {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: DEMO_APP.redirectUri,
      scope: `openid ${FRAUD} sim-swap:check`,
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 's1',
      prompt: 'none',
    });
    const res = await fetch(url, { headers, redirect: 'manual' });
    expect(res.status).toBe(302);
    return Object.fromEntries(new URL(res.headers.get('location') as string).searchParams);
  }

  it(`X-Forwarded-For: 198.51.100.1 ${believed ? 'names' : 'does not name'} the device`, async () => {
    const params = await authorize({ 'x-forwarded-for': '198.51.100.1' });
    if (believed) expect(params).toMatchObject({ code: expect.any(String) as string, state: 's1' });
    else expect(params).toMatchObject({ error: 'access_denied', state: 's1' });
  });

  it('Forwarded and X-Real-IP written by the client never name a device', async () => {
    const attacks: Record<string, string>[] = [
      { forwarded: 'for=198.51.100.1' },
      { 'x-real-ip': '198.51.100.1' },
    ];
    for (const headers of attacks) {
      expect(await authorize(headers)).toMatchObject({ error: 'access_denied', state: 's1' });
    }
  });
});
