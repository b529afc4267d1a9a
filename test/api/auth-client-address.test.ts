import { describe, expect, it } from 'vitest';
import {
  flowsPlatform,
  fromDevice,
  FRAUD,
  GRANTS,
  pkce,
  REDIRECT_URI,
  SUBSCRIBER,
  tokenRequest,
  type FlowsPlatform,
} from '../support/flows.js';

const EDGE = '10.0.0.1';
const INNER = '10.0.0.2';

/**
 * Network-based authentication reads the device address from the connection (ICM §7.8), and from
 * forwarding headers only when the peer is the operator's own proxy (TRUSTED_PROXIES).
 */
async function whoIs(
  p: FlowsPlatform,
  peer: { ip: string; port?: number },
  headers: Record<string, string> = {},
) {
  const { verifier, challenge } = await pkce();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: p.client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: `${FRAUD} sim-swap:check`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const res = await fromDevice(p.app, `/oauth2/authorize?${query}`, peer, { headers });
  const location = new URL(res.headers.get('location') as string);
  const code = location.searchParams.get('code');
  if (code === null) return location.searchParams.get('error');
  const tokens = await tokenRequest(p.app, p.client, {
    grant_type: GRANTS.authorizationCode,
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  const { access_token } = (await tokens.json()) as { access_token: string };
  return (await p.deps.tokens.verify(access_token)).subscriber;
}

const XFF = {
  TRUSTED_PROXIES: EDGE,
  CLIENT_IP_HEADER: 'x-forwarded-for',
  CLIENT_PORT_HEADER: 'x-forwarded-port',
};

describe('device address for network-based authentication', () => {
  it('is the TCP peer when no proxy is trusted; forwarding headers are ignored', async () => {
    const p = await flowsPlatform();
    expect(await whoIs(p, { ip: '198.51.100.1' })).toBe(SUBSCRIBER.swapped);
    expect(await whoIs(p, { ip: '::ffff:198.51.100.1' })).toBe(SUBSCRIBER.swapped);
    expect(await whoIs(p, { ip: '2001:DB8::1' })).toBe(SUBSCRIBER.swapped);
    const spoofed = {
      forwarded: 'for=198.51.100.1',
      'x-forwarded-for': '198.51.100.1',
      'x-real-ip': '198.51.100.1',
    };
    expect(await whoIs(p, { ip: '203.0.113.50' }, spoofed)).toBe('access_denied');
  });

  it('ignores the named header from a peer that is not a trusted proxy', async () => {
    const p = await flowsPlatform({ env: XFF });
    expect(await whoIs(p, { ip: '203.0.113.50' }, { 'x-forwarded-for': '198.51.100.1' })).toBe(
      'access_denied',
    );
  });

  it('reads only the header the operator names: another forwarding header is ignored', async () => {
    const p = await flowsPlatform({ env: XFF });
    // The edge wrote X-Forwarded-For; the client added Forwarded (and X-Real-IP) itself.
    const headers = {
      'x-forwarded-for': '203.0.113.50',
      forwarded: 'for=198.51.100.1',
      'x-real-ip': '198.51.100.1',
    };
    expect(await whoIs(p, { ip: EDGE }, headers)).toBe('access_denied');
    const forwarded = await flowsPlatform({ env: { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'forwarded' } });
    expect(
      await whoIs(
        forwarded,
        { ip: EDGE },
        { forwarded: 'for=203.0.113.50', 'x-forwarded-for': '198.51.100.1' },
      ),
    ).toBe('access_denied');
  });

  it('reads RFC 7239 Forwarded from a trusted proxy, port included (CGNAT)', async () => {
    const p = await flowsPlatform({ env: { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'forwarded' } });
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'for="198.51.100.10:40010";proto=https' })).toBe(
      SUBSCRIBER.cgnat,
    );
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'for="198.51.100.10:40011"' })).toBe('access_denied');
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'for="[2001:db8::1]:443"' })).toBe(SUBSCRIBER.swapped);
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'for=unknown' })).toBe('access_denied');
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'proto=https' })).toBe('access_denied');
  });

  it('reads X-Forwarded-For with the named port header from a trusted proxy', async () => {
    const p = await flowsPlatform({ env: XFF });
    const headers = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010' };
    expect(await whoIs(p, { ip: EDGE }, headers)).toBe(SUBSCRIBER.cgnat);
    expect(await whoIs(p, { ip: EDGE }, { 'x-forwarded-for': '2001:db8::1' })).toBe(SUBSCRIBER.swapped);
    // A port header the client also sent, appended to instead of overwritten: no address.
    const appended = { 'x-forwarded-for': '198.51.100.10', 'x-forwarded-port': '40010, 51234' };
    expect(await whoIs(p, { ip: EDGE }, appended)).toBe('access_denied');
    // Without CLIENT_PORT_HEADER the port header is not read: the CGNAT device is not identified.
    const noPort = await flowsPlatform({
      env: { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'x-forwarded-for' },
    });
    expect(await whoIs(noPort, { ip: EDGE }, headers)).toBe('access_denied');
  });

  it('takes a single-value header (X-Real-IP, CF-Connecting-IP) as the edge wrote it', async () => {
    const p = await flowsPlatform({ env: { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'x-real-ip' } });
    expect(await whoIs(p, { ip: EDGE }, { 'x-real-ip': '198.51.100.1' })).toBe(SUBSCRIBER.swapped);
    expect(await whoIs(p, { ip: EDGE }, { 'x-real-ip': '2001:db8::1' })).toBe(SUBSCRIBER.swapped);
    // The edge appended to a value the client sent instead of overwriting it: no address.
    expect(await whoIs(p, { ip: EDGE }, { 'x-real-ip': '198.51.100.1, 203.0.113.50' })).toBe('access_denied');
    const cf = await flowsPlatform({ env: { TRUSTED_PROXIES: EDGE, CLIENT_IP_HEADER: 'CF-Connecting-IP' } });
    expect(await whoIs(cf, { ip: EDGE }, { 'cf-connecting-ip': '198.51.100.1' })).toBe(SUBSCRIBER.swapped);
    expect(await whoIs(cf, { ip: EDGE }, { 'x-real-ip': '198.51.100.1' })).toBe('access_denied');
  });

  it('takes the nearest untrusted hop, so a client-written entry cannot impersonate', async () => {
    const p = await flowsPlatform({ env: { ...XFF, TRUSTED_PROXIES: `${EDGE},${INNER}` } });
    // The device wrote "198.51.100.10" itself; the edge appended the real address.
    expect(await whoIs(p, { ip: INNER }, { 'x-forwarded-for': `198.51.100.10, 198.51.100.1, ${EDGE}` })).toBe(
      SUBSCRIBER.swapped,
    );
    const fwd = await flowsPlatform({
      env: { TRUSTED_PROXIES: `${EDGE},${INNER}`, CLIENT_IP_HEADER: 'forwarded' },
    });
    expect(
      await whoIs(fwd, { ip: INNER }, { forwarded: `for=203.0.113.9, for=198.51.100.1, for=${EDGE}` }),
    ).toBe(SUBSCRIBER.swapped);
  });

  it('gives no address when a trusted proxy sends no valid value, or only proxies are listed', async () => {
    const p = await flowsPlatform({ env: XFF });
    expect(await whoIs(p, { ip: EDGE })).toBe('access_denied');
    expect(await whoIs(p, { ip: EDGE }, { 'x-forwarded-for': EDGE })).toBe('access_denied');
    expect(await whoIs(p, { ip: EDGE }, { 'x-forwarded-for': 'garbage' })).toBe('access_denied');
    expect(await whoIs(p, { ip: EDGE }, { forwarded: 'for=198.51.100.1' })).toBe('access_denied');
  });
});
