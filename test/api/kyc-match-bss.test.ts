import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, post, testPlatform } from '../support/app.js';
import { expectError } from '../support/requests.js';
import { clientCredentialsToken } from '../e2e/support/oauth.js';

/** The demo application's 2-legged KYC Match scope (client credentials, in process). */
const SCOPE = 'dpv:IdentityVerification kyc-match:match';

/** KYC Match on the operator BSS adapter (NETWORK_BACKEND=http), end to end through the platform. */

let server: Server;
let url: string;
let status = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume().on('end', () => {
      if (status !== 200)
        return res.writeHead(status, { 'content-type': 'text/plain' }).end('db pool exhausted');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          subscriber: {
            phoneNumber: '+34700000001',
            lineType: 'consumer',
            activatedAt: '2020-01-01T00:00:00Z',
            kyc: { givenName: 'Ana', familyName: 'García' },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const platformOnBss = () =>
  testPlatform({ env: { NETWORK_BACKEND: 'http', NETWORK_HTTP_URL: url, NETWORK_HTTP_TOKEN: 'secret' } });

describe('KYC Match over the operator BSS', () => {
  it('matches against the record the BSS returns', async () => {
    status = 200;
    const platform = await platformOnBss();
    const token = await clientCredentialsToken(platform.app, DEMO, SCOPE);
    const res = await post(
      platform.app,
      '/kyc-match/v0.4/match',
      { phoneNumber: '+34700000001', familyName: 'GARCIA' },
      token,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ familyNameMatch: 'true' });
  });

  it('an upstream failure is 502 BAD_GATEWAY with the fixed message only', async () => {
    status = 500;
    const platform = await platformOnBss();
    const token = await clientCredentialsToken(platform.app, DEMO, SCOPE);
    const res = await post(
      platform.app,
      '/kyc-match/v0.4/match',
      { phoneNumber: '+34700000001', name: 'x' },
      token,
    );
    const body = await expectError(res, 502, 'BAD_GATEWAY');
    expect(body.message).toBe('An upstream internal service cannot be reached.');
  });
});
